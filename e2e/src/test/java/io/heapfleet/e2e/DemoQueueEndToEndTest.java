package io.heapfleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code heapfleet demo --collectors 3}: the demo fleet captured through the queue (a local SQS,
 * three collector processes on the same S3). The verdict must still find the leaking task; the
 * collectors' own logs must show the captures spread over more than one collector, each task's
 * rounds captured; every collector must show the same fleet; and the demo must leave no process
 * behind.
 */
class DemoQueueEndToEndTest {
  private static final Pattern CAPTURED =
      Pattern.compile("captured (orders-[\\w-]+) \\(orders\\): \\d+ bytes");

  @Test
  void threeCollectorsShareTheDemoFleetThroughTheQueueAndFindTheLeak() throws Exception {
    Path data = DemoRun.TARGET.resolve("demo-queue-e2e");
    deleteRecursively(data); // the logs of an earlier run would count as well
    JsonNode verdict;
    try (DemoRun demo =
        DemoRun.start(data, "--collectors", "3", "--rounds", "4", "--interval", "4s", "--json")) {
      verdict = new ObjectMapper().readTree(demo.nextStdoutLine(240));
      assertThat(demo.process.waitFor(60, TimeUnit.SECONDS)).as(demo.stderrText()).isTrue();
      assertThat(demo.process.exitValue()).as(demo.stderrText()).isZero();
      String stderr = demo.stderrText();

      // With node on the PATH the demo adds its Node.js task to the fleet.
      List<String> tasks = new ArrayList<>(List.of("orders-1", "orders-2", "orders-3"));
      if (DemoEndToEndTest.NODE) {
        tasks.add(DemoEndToEndTest.NODE_TASK);
      }
      Map<String, JsonNode> byTask = new HashMap<>();
      verdict.path("tasks").forEach(t -> byTask.put(t.path("task").asText(), t));
      assertThat(byTask).as(verdict.toString()).containsOnlyKeys(tasks);
      assertThat(byTask.get("orders-1").path("assessment").asText())
          .as(verdict.toString())
          .isEqualTo("leaking");
      assertThat(byTask.get("orders-3").path("assessment").asText())
          .as(verdict.toString())
          .isNotEqualTo("leaking");
      // Leaking tasks are listed first.
      assertThat(verdict.path("tasks").get(0).path("assessment").asText()).isEqualTo("leaking");

      // The collectors' own log lines, not the demo's summary of them.
      Map<String, Integer> byCollector = new TreeMap<>();
      Map<String, Integer> byTaskCaptures = new TreeMap<>();
      for (Path log : collectorLogs(data)) {
        String name = log.getFileName().toString().replace(".log", "");
        Matcher m = CAPTURED.matcher(Files.readString(log));
        while (m.find()) {
          byCollector.merge(name, 1, Integer::sum);
          byTaskCaptures.merge(m.group(1), 1, Integer::sum);
        }
      }
      assertThat(collectorLogs(data)).hasSize(3);
      assertThat(byCollector).as("captures per collector, " + stderr).hasSizeGreaterThan(1);
      assertThat(byTaskCaptures.keySet()).containsExactlyInAnyOrderElementsOf(tasks);
      // Every JVM task in every round; the Node.js task's snapshots take longer, so at least two.
      byTaskCaptures.forEach(
          (task, n) ->
              assertThat(n)
                  .as(task)
                  .isGreaterThanOrEqualTo(task.equals(DemoEndToEndTest.NODE_TASK) ? 2 : 4));

      // The demo says who took each capture, and that all three show the same fleet.
      assertThat(stderr).containsPattern("orders-[\\w-]+ captured by collector-[123] ");
      assertThat(stderr).contains("demo: captures by collector: collector-1 (both)");
      assertThat(stderr)
          .as(stderr)
          .containsPattern(
              "demo: all 3 collectors show the same fleet: "
                  + tasks.size()
                  + " live tasks: \\d leaking \\([^)]*orders-1[,)]");

      // Nothing left behind: the local SQS and all three collectors are gone.
      assertThat(demo.seen).as("children seen while running").hasSizeGreaterThanOrEqualTo(7);
      for (ProcessHandle h : demo.seen.values()) {
        h.onExit().get(20, TimeUnit.SECONDS);
        assertThat(h.isAlive()).as("pid " + h.pid()).isFalse();
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static List<Path> collectorLogs(Path data) throws IOException {
    try (Stream<Path> files = Files.walk(data)) {
      return files
          .filter(p -> p.getFileName().toString().matches("collector-\\d\\.log"))
          .filter(p -> p.getParent().getParent().getFileName().toString().startsWith("demo-"))
          .sorted()
          .toList();
    }
  }
}
