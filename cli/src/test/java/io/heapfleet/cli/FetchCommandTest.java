package io.heapfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.LeakyApp;
import io.heapfleet.testsupport.AgentTask;
import io.heapfleet.testsupport.JavaCommand;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
  private static final BalancedTasks fleet = new BalancedTasks();
  @TempDir static Path shared;

  @BeforeAll
  static void startFleet() throws Exception {
    String leakyApp =
        Path.of(LeakyApp.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();
    for (String task : new String[] {"task-a", "task-b", "task-c"}) {
      JavaCommand app =
          JavaCommand.withHeap("64m")
              .options("-XX:TieredStopAtLevel=1")
              .main(leakyApp, LeakyApp.class.getName());
      AgentTask t =
          AgentTask.start(
              AgentTask.javaAgentJvm(app, "port=0,bind=127.0.0.1")
                  .name(task)
                  .env("HEAPFLEET_SECRET", SECRET)
                  .env("HEAPFLEET_TASK_ID", task)
                  .env("HEAPFLEET_MIN_INTERVAL", "0")
                  .env("HEAPFLEET_TEMP_DIR", shared.toString())
                  .env("LEAK_MODE", "leak")
                  .env("LEAK_RATE_KB", "512")
                  .env("LEAK_INTERVAL_MS", "100")
                  .env("LEAK_MAX_MB", "8"));
      fleet.add(t, t.base());
    }
    fleet.balance();
  }

  @AfterAll
  static void stopFleet() throws Exception {
    fleet.close();
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
    long before = fleet.proxy().forwarded();
    // Ask for each task in turn: whichever backend the proxy picks first, each must be reached.
    for (String task : new String[] {"task-c", "task-b", "task-a"}) {
      CliRun r =
          CliRun.run(
              "fetch",
              fleet.proxy().uri().toString(),
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
    assertThat(fleet.proxy().forwarded() - before)
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
      io.heapfleet.endpoint.client.ProvenTask proven =
          client.prove(fleet.proxy().uri(), creds, null);
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
            fleet.proxy().uri().toString(),
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
            fleet.backend(0).toString(),
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
            fleet.backend(1) + "/heapdump",
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
            fleet.backend(1).toString(),
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
