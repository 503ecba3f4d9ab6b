package io.heapfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCommandTest {

  private static final String STRONG = "correct-horse-battery-staple-0123456789";
  // Computed with the original Node one-liner (node 20 + moment) for STRONG at 2026-11-22T01:xx.
  private static final String ORIGINAL_TOKEN =
      "c2d3b91cf82856379d12de7df09b62721d94d38766b9f09af4da07c16f6e35cf";

  @TempDir Path dir;
  private Map<String, String> savedEnv;

  @AfterEach
  void restoreEnv() {
    if (savedEnv != null) {
      CliEnvironment.replace(savedEnv);
    }
  }

  private Path secretFile(String secret) throws Exception {
    return Files.write(dir.resolve("secret"), (secret + "\n").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void printsTheSameTokenAsTheOriginalOneLiner() throws Exception {
    CliRun r =
        CliRun.run(
            "token",
            "--secret-file",
            secretFile(STRONG).toString(),
            "--at",
            "2026-11-22T01:37:00Z");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out.strip()).isEqualTo(ORIGINAL_TOKEN);
    assertThat(r.err).isEmpty();
  }

  @Test
  void readsTheSecretFromANamedEnvironmentVariable() {
    savedEnv = CliEnvironment.replace(Map.of("MY_SECRET", STRONG));
    CliRun r = CliRun.run("token", "--secret-env", "MY_SECRET", "--at", "2026-11-22T01:00:00Z");
    assertThat(r.out.strip()).isEqualTo(ORIGINAL_TOKEN);
  }

  @Test
  void readsHeapfleetSecretByDefault() {
    savedEnv = CliEnvironment.replace(Map.of("HEAPFLEET_SECRET", STRONG));
    CliRun r = CliRun.run("token", "--at", "2026-11-22T01:59:59Z");
    assertThat(r.out.strip()).isEqualTo(ORIGINAL_TOKEN);
  }

  @Test
  void curlFlagPrintsACommandWithTheAuthorizationHeader() throws Exception {
    CliRun r =
        CliRun.run(
            "token",
            "--secret-file",
            secretFile(STRONG).toString(),
            "--at",
            "2026-11-22T01:37:00Z",
            "--curl",
            "http://10.0.1.23:9091");
    assertThat(r.exitCode).isZero();
    assertThat(r.out.strip())
        .isEqualTo(
            "curl -fSL --remote-name --remote-header-name -H 'Authorization: HeapDump "
                + ORIGINAL_TOKEN
                + "' 'http://10.0.1.23:9091/heapdump'");
  }

  @Test
  void weakSecretIsRefusedWithExitCode2AndNotEchoed() throws Exception {
    CliRun r = CliRun.run("token", "--secret-file", secretFile("s3cr3t").toString());
    assertThat(r.exitCode).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(r.err).contains("too weak").contains("--new-secret").doesNotContain("s3cr3t");
    assertThat(r.out).isEmpty();
  }

  @Test
  void weakSecretIsAcceptedWithExplicitOverride() throws Exception {
    CliRun r =
        CliRun.run(
            "token",
            "--allow-weak-secret",
            "--secret-file",
            secretFile("s3cr3t").toString(),
            "--at",
            "2026-11-22T01:37:00Z");
    assertThat(r.out.strip())
        .isEqualTo("a25adbc8cee2c3f1586bbcce72ec0d3ce781bea6a9796fc0a76437872059902b");
  }

  @Test
  void verboseNeverPrintsTheSecretOrTokenToStderr() throws Exception {
    CliRun r =
        CliRun.run(
            "token",
            "--verbose",
            "--secret-file",
            secretFile(STRONG).toString(),
            "--at",
            "2026-11-22T01:37:00Z");
    assertThat(r.err)
        .contains("2026-11-22T01:00:00Z")
        .doesNotContain(STRONG)
        .doesNotContain(ORIGINAL_TOKEN);
  }

  @Test
  void badInstantIsBadInput() throws Exception {
    CliRun r = CliRun.run("token", "--secret-file", secretFile(STRONG).toString(), "--at", "noon");
    assertThat(r.exitCode).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(r.err).contains("--at").contains("noon").contains("ISO-8601");
  }

  @Test
  void missingSecretNamesWhereItLooked() {
    savedEnv = CliEnvironment.replace(Map.of());
    CliRun r = CliRun.run("token");
    assertThat(r.exitCode).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(r.err).contains("HEAPFLEET_SECRET").contains("HEAPFLEET_SECRET_FILE");
  }

  @Test
  void missingSecretFileIsBadInput() {
    CliRun r = CliRun.run("token", "--secret-file", dir.resolve("nope").toString());
    assertThat(r.exitCode).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(r.err).contains("does not exist");
  }

  @Test
  void unknownFlagIsBadInputWithAHint() {
    CliRun r = CliRun.run("token", "--frobnicate");
    assertThat(r.exitCode).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(r.err).contains("--frobnicate").contains("heapfleet token --help");
  }

  @Test
  void newSecretPrintsAStrongSecretThatTheTokenCommandAccepts() throws Exception {
    CliRun r = CliRun.run("token", "--new-secret");
    String secret = r.out.strip();
    assertThat(secret).matches("[0-9a-f]{64}");
    CliRun t = CliRun.run("token", "--secret-file", secretFile(secret).toString());
    assertThat(t.exitCode).isZero();
    assertThat(t.out.strip()).matches("[0-9a-f]{64}");
  }

  @Test
  void helpTeachesTheSchemeAndExamples() {
    CliRun r = CliRun.run("token", "--help");
    assertThat(r.exitCode).isZero();
    assertThat(r.out).contains("HMAC-SHA256").contains("--secret-file").contains("Examples:");
  }

  @Test
  void topLevelHelpListsTheTokenCommand() {
    CliRun r = CliRun.run("--help");
    assertThat(r.out).contains("token").contains("Exit codes");
  }
}
