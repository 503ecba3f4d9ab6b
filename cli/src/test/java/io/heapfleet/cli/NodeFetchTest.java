package io.heapfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heapfleet.auth.HourlyToken;
import io.heapfleet.auth.Secret;
import io.heapfleet.endpoint.HeapfleetHeaders;
import io.heapfleet.endpoint.TaskIdentity;
import io.heapfleet.endpoint.client.DumpRequest;
import io.heapfleet.endpoint.client.DumpResponse;
import io.heapfleet.endpoint.client.HeapdumpClient;
import io.heapfleet.testsupport.AgentTask;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code heapfleet fetch} and the client the collector uses, against real Node.js processes running
 * the Node agent ({@code agent-node/register.js} as a preload): the same protocol, a V8 heap
 * snapshot named {@code <taskId>-<time>.heapsnapshot.gz}.
 */
class NodeFetchTest {

  private static final String SECRET = "correct-horse-battery-staple-0123456789";
  // A small app: 2,000 instances of its own class, kept alive, and an event loop that stays busy.
  private static final String APP =
      "class ShoppingCart { constructor(i) { this.id = i; } }"
          + " globalThis.carts = Array.from({ length: 2000 }, (_, i) => new ShoppingCart(i));"
          + " setInterval(() => {}, 1000);";
  private static final BalancedTasks fleet = new BalancedTasks();

  @BeforeAll
  static void startNodeTasks() throws Exception {
    for (String task : new String[] {"node-a", "node-b"}) {
      AgentTask t =
          AgentTask.start(
              AgentTask.nodeAgentProcess("-e", APP)
                  .name(task)
                  .env(AgentTask.testAgentEnv(SECRET, task))
                  .env("HEAPFLEET_MIN_INTERVAL", "0"));
      fleet.add(t, t.base());
    }
    fleet.balance();
  }

  @AfterAll
  static void stopNodeTasks() throws Exception {
    fleet.close();
  }

  @Test
  void fetchSavesTheSnapshotUnderTheNameTheNodeAgentGives(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), SECRET + "\n");
    Path out = Files.createDirectory(dir.resolve("out"));
    CliRun r =
        CliRun.run(
            "fetch",
            fleet.backend(0).toString(),
            "--secret-file",
            secret.toString(),
            "-o",
            out.toString(),
            "--verbose");
    assertThat(r.exitCode).as(r.toString()).isZero();
    Path saved = Path.of(r.out.strip());
    assertThat(saved.getParent()).isEqualTo(out);
    assertThat(saved.getFileName().toString()).matches("node-a-\\d{8}T\\d{6}Z\\.heapsnapshot\\.gz");
    assertThat(r.err)
        .contains("from task node-a")
        .containsPattern("Node\\.js paused \\d+ ms; [0-9.]+ [KMG]?i?B of V8 heap snapshot");
    JsonNode snapshot = gunzipJson(saved);
    assertThat(snapshot.path("snapshot").path("meta").path("node_fields").size()).isPositive();
    assertThat(strings(snapshot)).contains("ShoppingCart");
    try (var files = Files.list(out)) {
      assertThat(files).containsExactly(saved);
    }
  }

  @Test
  void statsPrintsANodeTasksFiguresAndPinsOneBehindTheProxy(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), SECRET + "\n");
    CliRun text =
        CliRun.run("stats", fleet.backend(0).toString(), "--secret-file", secret.toString());
    assertThat(text.exitCode).as(text.toString()).isZero();
    assertThat(text.out)
        .containsPattern("(?m)^task +node-a \\(node: v\\d+\\.")
        .containsPattern("(?m)^heap +[0-9.]+ [KMG]i?B used of [0-9.]+ [KMG]i?B max")
        .containsPattern("(?m)^old gen +[0-9.]+ [KMG]i?B used; ")
        .containsPattern("(?m)^RSS +[0-9.]+ MiB$");
    CliRun json =
        CliRun.run(
            "stats",
            fleet.proxy().uri().toString(),
            "--secret-file",
            secret.toString(),
            "--task",
            "node-b",
            "--format",
            "json");
    assertThat(json.exitCode).as(json.toString()).isZero();
    JsonNode stats = new ObjectMapper().readTree(json.out);
    assertThat(stats.path("taskId").asText()).isEqualTo("node-b");
    assertThat(stats.path("runtime").asText()).isEqualTo("node");
    assertThat(stats.path("heapUsed").asLong()).isPositive();
  }

  @Test
  void fetchPinsOneNodeTaskBehindTheRoundRobinProxy(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), SECRET + "\n");
    for (String task : new String[] {"node-b", "node-a"}) {
      CliRun r =
          CliRun.run(
              "fetch",
              fleet.proxy().uri().toString(),
              "--secret-file",
              secret.toString(),
              "--task",
              task,
              "-o",
              dir.toString());
      assertThat(r.exitCode).as(r.toString()).isZero();
      Path saved = Path.of(r.out.strip());
      assertThat(saved.getFileName().toString())
          .matches(task + "-\\d{8}T\\d{6}Z\\.heapsnapshot\\.gz");
      assertThat(gunzipJson(saved).path("snapshot").has("meta")).isTrue();
    }
  }

  @Test
  void theCollectorsClientReadsIdentityAndStreamsTheSnapshot() throws Exception {
    String token = HourlyToken.compute(Secret.of(SECRET, false), "heapdump", Instant.now());
    HeapdumpClient client = HeapdumpClient.create();
    TaskIdentity identity = client.identity(fleet.backend(1), token);
    assertThat(identity.taskId()).isEqualTo("node-b");
    assertThat(identity.source()).contains(TaskIdentity.Source.CONFIG);
    assertThat(identity.jvm()).isEmpty();
    try (DumpResponse response = client.open(fleet.backend(1), token, DumpRequest.defaults())) {
      assertThat(response.taskId()).isEqualTo("node-b");
      assertThat(response.runtime()).isEqualTo("node");
      assertThat(response.fileName()).endsWith(".heapsnapshot.gz");
      assertThat(response.header(HeapfleetHeaders.NODE))
          .hasValueSatisfying(v -> assertThat(v).startsWith("v"));
      assertThat(response.pauseMillis()).isPresent();
      long expected = response.uncompressedBytes().orElseThrow();
      try (InputStream in = new GZIPInputStream(response.body())) {
        assertThat(in.transferTo(java.io.OutputStream.nullOutputStream())).isEqualTo(expected);
      }
    }
    // A wrong token: 401, and the client says so.
    String wrong =
        HourlyToken.compute(
            Secret.of("a-different-secret-of-sufficient-length", false), "heapdump", Instant.now());
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> client.open(fleet.backend(1), wrong, DumpRequest.defaults()))
        .hasMessageContaining("401");
  }

  private static JsonNode gunzipJson(Path file) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      return new ObjectMapper().readTree(in);
    }
  }

  private static List<String> strings(JsonNode snapshot) {
    List<String> out = new ArrayList<>();
    snapshot.path("strings").forEach(s -> out.add(s.asText()));
    return out;
  }
}
