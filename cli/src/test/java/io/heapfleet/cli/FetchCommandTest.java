package io.heapfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.LeakyApp;
import io.heapfleet.cli.demo.RoundRobinProxy;
import io.heapfleet.endpoint.HeapfleetHeaders;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code heapfleet fetch} against three real examples/leaky-app JVMs running the real javaagent,
 * behind a {@link RoundRobinProxy} on 127.0.0.1.
 */
class FetchCommandTest {

  private static final String SECRET = "correct-horse-battery-staple-0123456789";
  private static final Pattern LISTENING = HeapfleetHeaders.LISTENING_LINE;
  private static final List<Process> apps = new ArrayList<>();
  private static final List<URI> backends = new ArrayList<>();
  private static RoundRobinProxy proxy;
  @TempDir static Path shared;

  @BeforeAll
  static void startFleet() throws Exception {
    Path agent =
        Path.of("..", "agent-endpoint", "target", "heapfleet-agent.jar")
            .toAbsolutePath()
            .normalize();
    if (!Files.isRegularFile(agent)) {
      throw new IllegalStateException(
          agent + " is missing: build agent-endpoint first (mvn install -pl agent-endpoint)");
    }
    String leakyApp =
        Path.of(LeakyApp.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();
    for (String task : new String[] {"task-a", "task-b", "task-c"}) {
      ProcessBuilder pb =
          new ProcessBuilder(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-Xmx64m",
              "-XX:TieredStopAtLevel=1",
              "-javaagent:" + agent + "=port=0,bind=127.0.0.1",
              "-cp",
              leakyApp,
              LeakyApp.class.getName());
      pb.environment()
          .keySet()
          .removeIf(k -> k.startsWith("HEAPFLEET_") || k.equals("JAVA_TOOL_OPTIONS"));
      pb.environment().put("HEAPFLEET_SECRET", SECRET);
      pb.environment().put("HEAPFLEET_TASK_ID", task);
      pb.environment().put("HEAPFLEET_MIN_INTERVAL", "0");
      pb.environment().put("HEAPFLEET_TEMP_DIR", shared.toString());
      pb.environment().put("LEAK_MODE", "leak");
      pb.environment().put("LEAK_RATE_KB", "512");
      pb.environment().put("LEAK_INTERVAL_MS", "100");
      pb.environment().put("LEAK_MAX_MB", "8");
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
      Process p = pb.start();
      apps.add(p);
      backends.add(URI.create("http://127.0.0.1:" + awaitPort(p)));
    }
    proxy = RoundRobinProxy.start(backends);
  }

  @AfterAll
  static void stopFleet() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    for (Process p : apps) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
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
                // process ended
              }
            });
    reader.setDaemon(true);
    reader.start();
    if (!ready.await(30, TimeUnit.SECONDS)) {
      synchronized (log) {
        throw new IllegalStateException("leaky-app with the agent did not start:\n" + log);
      }
    }
    return port[0];
  }

  private static Path secretFile(Path dir) throws IOException {
    return Files.writeString(dir.resolve("secret"), SECRET + "\n");
  }

  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> !p.getFileName().toString().equals("secret")).toList();
    }
  }

  private static void assertGzippedHprof(Path file) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file));
        DataInputStream data = new DataInputStream(in)) {
      byte[] magic = new byte[19];
      data.readFully(magic);
      assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("JAVA PROFILE 1.0.2\0");
      assertThat(data.readInt()).isIn(4, 8);
      assertThat(in.transferTo(java.io.OutputStream.nullOutputStream())).isGreaterThan(1_000_000);
    }
  }

  @Test
  void pinsTheRequestedTaskBehindTheRoundRobinProxy(@TempDir Path dir) throws Exception {
    long before = proxy.forwarded();
    // Ask for each task in turn: whichever backend the proxy picks first, each must be reached.
    for (String task : new String[] {"task-c", "task-b", "task-a"}) {
      CliRun r =
          CliRun.run(
              "fetch",
              proxy.uri().toString(),
              "--secret-file",
              secretFile(dir).toString(),
              "--task",
              task,
              "-o",
              dir.toString());
      assertThat(r.exitCode).as(r.toString()).isZero();
      Path saved = Path.of(r.out.strip());
      assertThat(saved.getFileName().toString()).matches(task + "-\\d{8}T\\d{6}Z\\.hprof\\.gz");
      assertThat(r.err).contains("from task " + task).containsPattern("\\d+ attempts?\\)");
      assertGzippedHprof(saved);
    }
    assertThat(files(dir)).hasSize(3);
    assertThat(proxy.forwarded() - before)
        .as("some requests were refused with 421 and retried")
        .isGreaterThan(3);
    assertThat(files(shared)).as("agent temp files").isEmpty();
  }

  @Test
  void throughAProxyThatRoutesEachRequestTheIdentityOfAProvenTaskIsStillRead() throws Exception {
    // The proxy closes every connection after one request (like an ALB without stickiness), so
    // the identity read after a proof may reach another task: it answers 421 and is retried.
    io.heapfleet.auth.TaskCredentials creds =
        io.heapfleet.auth.TaskCredentials.of(
            io.heapfleet.auth.Secret.of(SECRET, false), "heapdump");
    io.heapfleet.endpoint.client.HeapdumpClient client =
        io.heapfleet.endpoint.client.HeapdumpClient.create();
    java.util.Set<String> seen = new java.util.TreeSet<>();
    for (int i = 0; i < 6; i++) {
      io.heapfleet.endpoint.client.ProvenTask proven = client.prove(proxy.uri(), creds, null);
      assertThat(client.identity(proven, creds, 20).taskId()).isEqualTo(proven.taskId());
      seen.add(proven.taskId());
    }
    assertThat(seen).containsExactly("task-a", "task-b", "task-c");
  }

  @Test
  void aTaskThatIsNotBehindTheProxyFailsAfterMaxAttemptsNamingTheTasksSeen(@TempDir Path dir)
      throws Exception {
    CliRun r =
        CliRun.run(
            "fetch",
            proxy.uri().toString(),
            "--secret-file",
            secretFile(dir).toString(),
            "--task",
            "task-z",
            "--max-attempts",
            "4",
            "-o",
            dir.toString());
    assertThat(r.exitCode).as(r.toString()).isEqualTo(ExitCode.FAILURE);
    assertThat(r.err).contains("task-z").contains("4 attempts").containsPattern("task-[abc]");
    assertThat(files(dir)).isEmpty();
  }

  @Test
  void aWrongSecretIs401AndLeavesNoFile(@TempDir Path dir) throws Exception {
    Path wrong =
        Files.writeString(dir.resolve("secret"), "a-different-secret-of-sufficient-length\n");
    CliRun r =
        CliRun.run(
            "fetch",
            backends.get(0).toString(),
            "--secret-file",
            wrong.toString(),
            "-o",
            dir.toString());
    assertThat(r.exitCode).isEqualTo(ExitCode.FAILURE);
    assertThat(r.err).contains("401").doesNotContain(SECRET);
    assertThat(files(dir)).isEmpty();
  }

  @Test
  void fetchesZstdDirectlyFromOneTaskIntoANamedFile(@TempDir Path dir) throws Exception {
    Path target = dir.resolve("mine.hprof.zst");
    CliRun r =
        CliRun.run(
            "fetch",
            backends.get(1) + "/heapdump",
            "--secret-file",
            secretFile(dir).toString(),
            "--format",
            "zstd",
            "-o",
            target.toString());
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out.strip()).isEqualTo(target.toString());
    byte[] head = new byte[4];
    try (InputStream in = Files.newInputStream(target)) {
      assertThat(in.read(head)).isEqualTo(4);
    }
    // zstd frame magic 0xFD2FB528, little-endian.
    assertThat(head).containsExactly(0x28, 0xB5, 0x2F, 0xFD);
    CliRun again =
        CliRun.run(
            "fetch",
            backends.get(1).toString(),
            "--secret-file",
            secretFile(dir).toString(),
            "-o",
            target.toString());
    assertThat(again.exitCode).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(again.err).contains("already exists");
  }

  @Test
  void badInputIsExitCode2() {
    assertThat(CliRun.run("fetch", "not a url").exitCode).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(CliRun.run("fetch", "ftp://host/x").exitCode).isEqualTo(ExitCode.BAD_INPUT);
  }
}
