package io.heapfleet.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretTest {

  private static final String STRONG = "correct-horse-battery-staple-0123456789";

  @Test
  void weakSecretIsRefusedWithoutRevealingIt() {
    assertThatThrownBy(() -> Secret.of("s3cr3t", false))
        .isInstanceOf(SecretException.class)
        .hasMessageContaining("too weak")
        .hasMessageContaining("6 bytes")
        .hasMessageContaining("32")
        .hasMessageNotContaining("s3cr3t");
  }

  @Test
  void weakSecretIsAcceptedWhenExplicitlyAllowed() {
    Secret secret = Secret.of("s3cr3t", true);
    assertThat(secret.isWeak()).isTrue();
    assertThat(secret.length()).isEqualTo(6);
  }

  @Test
  void emptySecretIsRefusedEvenWhenWeakIsAllowed() {
    assertThatThrownBy(() -> Secret.of("", true)).hasMessageContaining("empty");
  }

  @Test
  void toStringNeverShowsTheSecret() {
    assertThat(Secret.of(STRONG, false).toString())
        .doesNotContain(STRONG)
        .doesNotContain("horse")
        .contains("redacted");
  }

  @Test
  void generatedSecretsAreStrongHexAndDistinct() {
    String a = Secret.generate();
    String b = Secret.generate();
    assertThat(a).matches("[0-9a-f]{64}").isNotEqualTo(b);
    assertThat(Secret.of(a, false).isWeak()).isFalse();
  }

  @Test
  void fileSecretIgnoresOneTrailingNewline(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("secret");
    Files.write(file, (STRONG + "\n").getBytes(StandardCharsets.UTF_8));
    Path crlf = dir.resolve("secret-crlf");
    Files.write(crlf, (STRONG + "\r\n").getBytes(StandardCharsets.UTF_8));
    Secret expected = Secret.of(STRONG, false);
    java.time.Instant at = java.time.Instant.parse("2026-11-22T01:37:00Z");
    String want = HourlyToken.compute(expected, "heapdump", at);
    assertThat(HourlyToken.compute(SecretSource.fromFile(file, false), "heapdump", at))
        .isEqualTo(want);
    assertThat(HourlyToken.compute(SecretSource.fromFile(crlf, false), "heapdump", at))
        .isEqualTo(want);
  }

  @Test
  void missingOrEmptyFileIsAClearError(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("nope");
    assertThatThrownBy(() -> SecretSource.fromFile(missing, false))
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist");
    Path empty = Files.write(dir.resolve("empty"), new byte[0]);
    assertThatThrownBy(() -> SecretSource.fromFile(empty, false)).hasMessageContaining("empty");
  }

  @Test
  void weakSecretInFileNamesTheFileNotTheSecret(@TempDir Path dir) throws Exception {
    Path file = Files.write(dir.resolve("weak"), "hunter2\n".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> SecretSource.fromFile(file, false))
        .hasMessageContaining(file.toString())
        .hasMessageContaining("too weak")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void environmentLookupPrefersTheValueThenTheFile(@TempDir Path dir) throws Exception {
    Path file = Files.write(dir.resolve("s"), (STRONG + "\n").getBytes(StandardCharsets.UTF_8));
    Secret fromFile =
        SecretSource.fromEnvironment(Map.of("HEAPFLEET_SECRET_FILE", file.toString()), false);
    assertThat(fromFile.length()).isEqualTo(STRONG.length());
    Secret fromValue =
        SecretSource.fromEnvironment(
            Map.of("HEAPFLEET_SECRET", STRONG + "-x", "HEAPFLEET_SECRET_FILE", file.toString()),
            false);
    assertThat(fromValue.length()).isEqualTo(STRONG.length() + 2);
    assertThatThrownBy(() -> SecretSource.fromEnvironment(Map.of(), false))
        .hasMessageContaining("HEAPFLEET_SECRET")
        .hasMessageContaining("HEAPFLEET_SECRET_FILE");
    assertThatThrownBy(() -> SecretSource.fromEnv("MY_VAR", Map.of("MY_VAR", "tiger7"), false))
        .hasMessageContaining("MY_VAR")
        .hasMessageContaining("too weak")
        .hasMessageNotContaining("tiger7");
  }
}
