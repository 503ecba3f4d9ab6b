package io.heapfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heapfleet.auth.Secret;
import io.heapfleet.endpoint.EndpointSettings;
import io.heapfleet.endpoint.HeapdumpEndpoint;
import io.heapfleet.endpoint.TaskIdentity;
import io.heapfleet.endpoint.agent.AgentServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code heapfleet stats} against two real JVM endpoints (the javaagent's HTTP server and protocol,
 * serving this JVM's own figures) on 127.0.0.1, directly and through a round-robin proxy.
 */
class StatsCommandTest {

  private static final String SECRET = "correct-horse-battery-staple-0123456789";
  private static final BalancedTasks fleet = new BalancedTasks();
  @TempDir static Path dir;
  private static Path secretFile;

  @BeforeAll
  static void startTasks() throws Exception {
    secretFile = Files.writeString(dir.resolve("secret"), SECRET + "\n");
    for (String task : new String[] {"task-a", "task-b"}) {
      EndpointSettings settings =
          EndpointSettings.builder(Secret.of(SECRET, false))
              .tempDir(dir)
              .minInterval(Duration.ZERO)
              .build();
      TaskIdentity identity =
          new TaskIdentity(task, null, "prod", "orders", null, null, null, "Test JVM 17");
      AgentServer s =
          AgentServer.start(HeapdumpEndpoint.builder(settings, identity).build(), "127.0.0.1", 0);
      fleet.add(s, URI.create("http://127.0.0.1:" + s.port()));
    }
    fleet.balance();
    System.gc(); // so the old generation has a figure after GC
  }

  @AfterAll
  static void stopTasks() throws Exception {
    fleet.close();
  }

  @Test
  void printsTheTasksFiguresForAPerson() {
    CliRun r =
        CliRun.run("stats", fleet.backend(0).toString(), "--secret-file", secretFile.toString());
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out)
        .contains("task           task-a (jvm: Test JVM 17)")
        .containsPattern("(?m)^time +\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z, up \\d")
        .containsPattern(
            "(?m)^heap +[0-9.]+ [KMG]i?B used of [0-9.]+ [KMG]i?B max \\([0-9.]+ [KMG]i?B committed\\)$")
        .containsPattern(
            "(?m)^old gen +[0-9.]+ [KMG]i?B used; [0-9.]+ [KMG]i?B after the last GC \\(G1 Old Gen\\)$")
        .containsPattern("(?m)^last major GC +\\d{4}-.*Z \\(.* before\\)$")
        .containsPattern(
            "(?m)^GC +\\d+ collections, [1-9]\\d* major, \\d+ (ms|s|min)( \\d+ s)? in total$")
        .containsPattern("(?m)^RSS +[0-9.]+ MiB$");
    assertThat(r.err).isEmpty();
  }

  @Test
  void gcRunsAFullCollectionFirstAndSaysHowLongItPaused() throws Exception {
    String secret = secretFile.toString();
    CliRun r = CliRun.run("stats", fleet.backend(0).toString(), "--secret-file", secret, "--gc");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out).containsPattern("(?m)^full GC +run on request, \\d+ ms pause$");
    CliRun again =
        CliRun.run("stats", fleet.backend(0).toString(), "--secret-file", secret, "--gc");
    assertThat(again.exitCode).as(again.toString()).isEqualTo(1);
    assertThat(again.err).contains("429");
    CliRun pinned =
        CliRun.run(
            "stats",
            fleet.proxy().uri().toString(),
            "--secret-file",
            secret,
            "--task",
            "task-b",
            "--gc",
            "--format",
            "json");
    assertThat(pinned.exitCode).as(pinned.toString()).isZero();
    JsonNode json = new ObjectMapper().readTree(pinned.out);
    assertThat(json.path("taskId").asText()).isEqualTo("task-b");
    assertThat(json.path("gc").path("forced").asBoolean()).isTrue();
  }

  @Test
  void jsonIsTheTasksDocument() throws Exception {
    CliRun r =
        CliRun.run(
            "stats",
            fleet.backend(1) + "/heapdump/stats",
            "--secret-file",
            secretFile.toString(),
            "--format",
            "json");
    assertThat(r.exitCode).as(r.toString()).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out);
    assertThat(json.path("taskId").asText()).isEqualTo("task-b");
    assertThat(json.path("runtime").asText()).isEqualTo("jvm");
    assertThat(json.path("heapUsed").asLong()).isPositive();
    assertThat(json.path("oldGenUsedAfterGc").isNumber()).isTrue();
  }

  @Test
  void pinsATaskBehindTheProxyWithItsProofAndTaskToken() throws Exception {
    for (String task : new String[] {"task-b", "task-a", "task-b"}) {
      CliRun r =
          CliRun.run(
              "stats",
              fleet.proxy().uri().toString(),
              "--secret-file",
              secretFile.toString(),
              "--task",
              task,
              "--format",
              "json");
      assertThat(r.exitCode).as(r.toString()).isZero();
      assertThat(new ObjectMapper().readTree(r.out).path("taskId").asText()).isEqualTo(task);
    }
  }

  @Test
  void aWrongSecretIsAFailureThatSaysWhy() throws Exception {
    Path wrong = Files.writeString(dir.resolve("wrong"), "another-secret-that-is-long-enough-000");
    CliRun r = CliRun.run("stats", fleet.backend(0).toString(), "--secret-file", wrong.toString());
    assertThat(r.exitCode).isEqualTo(ExitCode.FAILURE);
    assertThat(r.err).contains("refused the token (401)");
    assertThat(r.out).isEmpty();
  }

  @Test
  void badInputIsExitCodeTwo() {
    String secret = secretFile.toString();
    assertThat(CliRun.run("stats", "ftp://x", "--secret-file", secret).exitCode)
        .isEqualTo(ExitCode.BAD_INPUT);
    CliRun r =
        CliRun.run(
            "stats", fleet.backend(0).toString(), "--secret-file", secret, "--format", "yaml");
    assertThat(r.exitCode).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(r.err).contains("--format must be text or json, was 'yaml'");
    CliRun md =
        CliRun.run("stats", fleet.backend(0).toString(), "--secret-file", secret, "--format", "md");
    assertThat(md.exitCode).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(md.err)
        .contains("--format must be text or json, was 'md': stats prints text or json");
    assertThat(
            CliRun.run(
                    "stats", fleet.backend(0).toString(), "--secret-file", secret, "--task", "a b")
                .exitCode)
        .isEqualTo(ExitCode.BAD_INPUT);
  }
}
