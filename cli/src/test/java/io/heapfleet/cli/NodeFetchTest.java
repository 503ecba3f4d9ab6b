package io.heapfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heapfleet.auth.HourlyToken;
import io.heapfleet.auth.Secret;
import io.heapfleet.cli.demo.RoundRobinProxy;
import io.heapfleet.endpoint.HeapfleetHeaders;
import io.heapfleet.endpoint.TaskIdentity;
import io.heapfleet.endpoint.client.DumpRequest;
import io.heapfleet.endpoint.client.DumpResponse;
import io.heapfleet.endpoint.client.HeapdumpClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
  private static final Pattern LISTENING = HeapfleetHeaders.LISTENING_LINE;
  // A small app: 2,000 instances of its own class, kept alive, and an event loop that stays busy.
  private static final String APP =
      "class ShoppingCart { constructor(i) { this.id = i; } }"
          + " globalThis.carts = Array.from({ length: 2000 }, (_, i) => new ShoppingCart(i));"
          + " setInterval(() => {}, 1000);";
  private static final List<Process> apps = new ArrayList<>();
  private static final List<URI> backends = new ArrayList<>();
  private static RoundRobinProxy proxy;

  @BeforeAll
  static void startNodeTasks() throws Exception {
    assumeTrue(nodeAvailable(), "node (Node.js 18 or later) is not on the PATH");
    Path register = Path.of("..", "agent-node", "register.js").toAbsolutePath().normalize();
    for (String task : new String[] {"node-a", "node-b"}) {
      ProcessBuilder pb = new ProcessBuilder("node", "--require", register.toString(), "-e", APP);
      pb.environment()
          .keySet()
          .removeIf(k -> k.startsWith("HEAPFLEET_") || k.equals("NODE_OPTIONS"));
      pb.environment().remove("ECS_CONTAINER_METADATA_URI_V4");
      pb.environment().put("HEAPFLEET_SECRET", SECRET);
      pb.environment().put("HEAPFLEET_TASK_ID", task);
      pb.environment().put("HEAPFLEET_PORT", "0");
      pb.environment().put("HEAPFLEET_BIND", "127.0.0.1");
      pb.environment().put("HEAPFLEET_MIN_INTERVAL", "0");
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
      Process p = pb.start();
      apps.add(p);
      backends.add(URI.create("http://127.0.0.1:" + awaitPort(p)));
    }
    proxy = RoundRobinProxy.start(backends);
  }

  @AfterAll
  static void stopNodeTasks() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    for (Process p : apps) {
      p.destroy();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void fetchSavesTheSnapshotUnderTheNameTheNodeAgentGives(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), SECRET + "\n");
    Path out = Files.createDirectory(dir.resolve("out"));
    CliRun r =
        CliRun.run(
            "fetch",
            backends.get(0).toString(),
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
        CliRun.run("stats", backends.get(0).toString(), "--secret-file", secret.toString());
    assertThat(text.exitCode).as(text.toString()).isZero();
    assertThat(text.out)
        .containsPattern("(?m)^task +node-a \\(node: v\\d+\\.")
        .containsPattern("(?m)^heap +[0-9.]+ [KMG]i?B used of [0-9.]+ [KMG]i?B max")
        .containsPattern("(?m)^old gen +[0-9.]+ [KMG]i?B used; ")
        .containsPattern("(?m)^RSS +[0-9.]+ MiB$");
    CliRun json =
        CliRun.run(
            "stats",
            proxy.uri().toString(),
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
              proxy.uri().toString(),
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
    TaskIdentity identity = client.identity(backends.get(1), token);
    assertThat(identity.taskId()).isEqualTo("node-b");
    assertThat(identity.source()).contains(TaskIdentity.Source.CONFIG);
    assertThat(identity.jvm()).isEmpty();
    try (DumpResponse response = client.open(backends.get(1), token, DumpRequest.defaults())) {
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
            () -> client.open(backends.get(1), wrong, DumpRequest.defaults()))
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

  private static boolean nodeAvailable() {
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return false;
      }
      Matcher m = Pattern.compile("^v(\\d+)\\.").matcher(v);
      return m.find() && Integer.parseInt(m.group(1)) >= 18;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static int awaitPort(Process p) throws Exception {
    CountDownLatch ready = new CountDownLatch(1);
    int[] port = new int[1];
    StringBuilder log = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  synchronized (log) {
                    log.append(line).append('\n');
                  }
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    port[0] = Integer.parseInt(m.group(1));
                    ready.countDown();
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
            });
    reader.setDaemon(true);
    reader.start();
    if (!ready.await(30, TimeUnit.SECONDS)) {
      synchronized (log) {
        throw new IllegalStateException("node with the agent did not start:\n" + log);
      }
    }
    return port[0];
  }
}
