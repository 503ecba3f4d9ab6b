package io.heapfleet.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heapfleet.analysis.trend.Assessment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every child, and every child's child, is gone after close, on whichever exit path. */
class ChildProcessesTest {
  @TempDir Path dir;

  @Test
  void closeStopsChildrenAndTheirDescendantsAndLogsTheirOutput() throws Exception {
    List<ProcessHandle> all = new ArrayList<>();
    try (ChildProcesses children = new ChildProcesses()) {
      // A shell that starts a grandchild and ignores SIGTERM itself: close must still end both.
      ChildProcesses.Child stubborn =
          children.start(
              "stubborn",
              List.of("sh", "-c", "trap '' TERM; echo started-$NAME; sleep 600 & wait"),
              Map.of("NAME", "one"),
              dir.resolve("logs/stubborn.log"));
      ChildProcesses.Child jvm =
          children.start(
              "jvm",
              List.of(ProjectLayout.javaExecutable(), "-version"),
              Map.of(),
              dir.resolve("logs/jvm.log"));
      jvm.process().waitFor(30, TimeUnit.SECONDS);
      long deadline = System.currentTimeMillis() + 10_000;
      while (stubborn.process().descendants().findAny().isEmpty()
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      stubborn.process().descendants().forEach(all::add);
      all.add(stubborn.process().toHandle());
      assertThat(all).hasSizeGreaterThanOrEqualTo(2);
      assertThat(Files.readString(stubborn.log())).contains("started-one");
      assertThat(Files.readString(jvm.log())).contains("version");
    }
    for (ProcessHandle h : all) {
      assertThat(h.isAlive()).as("pid " + h.pid()).isFalse();
    }
  }

  @Test
  void noStartAfterClose() {
    ChildProcesses children = new ChildProcesses();
    children.close();
    assertThatThrownBy(
            () -> children.start("late", List.of("true"), Map.of(), dir.resolve("l.log")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("late");
  }

  @Test
  void durationsParseAsPeopleTypeThem() {
    assertThat(DurationParser.parse("500ms").toMillis()).isEqualTo(500);
    assertThat(DurationParser.parse("15s").toSeconds()).isEqualTo(15);
    assertThat(DurationParser.parse("2m").toSeconds()).isEqualTo(120);
    assertThat(DurationParser.parse("PT30S").toSeconds()).isEqualTo(30);
    assertThatThrownBy(() -> DurationParser.parse("soon")).hasMessageContaining("'soon'");
  }

  @Test
  void missingJarsFailWithTheBuildCommand(@TempDir Path empty) {
    assertThatThrownBy(() -> ProjectLayout.under(empty).requireBuilt())
        .hasMessageContaining("run `mvn -B install -DskipTests` first")
        .hasMessageContaining("collector/target/quarkus-app/quarkus-run.jar");
  }

  @Test
  void verdictJsonHasTheContractShapeLeakingFirst() {
    FleetVerdict v =
        new FleetVerdict(
            List.of(
                new FleetVerdict.TaskVerdict("b", Assessment.STABLE, 10.4, null, List.of(), 4),
                new FleetVerdict.TaskVerdict(
                    "a", Assessment.LEAKING, 5.6, "com.acme.Cart", List.of("byte[]"), 4)),
            Path.of("/tmp/r.md"));
    assertThat(v.toJson())
        .isEqualTo(
            "{\"tasks\":[{\"task\":\"a\",\"assessment\":\"leaking\",\"heapBytesPerHour\":6,"
                + "\"recentHeapBytesPerHour\":6,\"topSuspect\":\"com.acme.Cart\"},{\"task\":\"b\","
                + "\"assessment\":\"stable\",\"heapBytesPerHour\":10,"
                + "\"topSuspect\":null}],\"report\":\"/tmp/r.md\"}");
  }
}
