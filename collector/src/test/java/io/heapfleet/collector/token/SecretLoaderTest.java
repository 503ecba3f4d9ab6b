package io.heapfleet.collector.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heapfleet.auth.HourlyToken;
import io.heapfleet.auth.Secret;
import io.heapfleet.auth.SecretException;
import io.heapfleet.collector.config.TokenConfig;
import io.heapfleet.collector.testing.MutableClock;
import io.heapfleet.testsupport.aws.SecretsManagerStandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secret sources: env, file, and AWS Secrets Manager (the real SDK client against a local server
 * speaking the Secrets Manager JSON 1.1 protocol); rotation through {@link TokenSource}; errors
 * that name the source, never the value.
 */
class SecretLoaderTest {
  static final String SECRET_A = "rotating-secret-A-0123456789abcdef0123456789abcdef";
  static final String SECRET_B = "rotating-secret-B-0123456789abcdef0123456789abcdef";

  @TempDir Path dir;
  SecretsManagerStandIn sm;

  @BeforeEach
  void startSecretsManager() throws Exception {
    System.setProperty("aws.accessKeyId", "AKIDTEST");
    System.setProperty("aws.secretAccessKey", "test");
    sm = SecretsManagerStandIn.start();
    sm.put("heapfleet/secret", SECRET_A + "\n");
  }

  @AfterEach
  void stop() {
    sm.close();
  }

  TokenConfig config(Optional<Path> file, Optional<String> secretId) {
    return new TestTokenConfig(file, secretId, sm.endpoint());
  }

  static String token(Secret s) {
    return HourlyToken.compute(s, "heapdump", java.time.Instant.EPOCH);
  }

  @Test
  void secretsManagerWinsAndRotationIsPickedUpAfterTheRefresh() {
    SecretLoader loader =
        new SecretLoader(config(Optional.empty(), Optional.of("heapfleet/secret")), Map.of());
    MutableClock clock = new MutableClock();
    TokenSource tokens = new TokenSource(loader, "heapdump", clock, Duration.ofMinutes(15));

    assertThat(token(tokens.secret())).isEqualTo(token(Secret.of(SECRET_A, false)));
    assertThat(sm.targets()).containsExactly("secretsmanager.GetSecretValue");
    sm.put("heapfleet/secret", SECRET_B + "\n");
    clock.advance(Duration.ofMinutes(10));
    assertThat(token(tokens.secret())).isEqualTo(token(Secret.of(SECRET_A, false))); // cached
    clock.advance(Duration.ofMinutes(5));
    assertThat(token(tokens.secret())).isEqualTo(token(Secret.of(SECRET_B, false)));
  }

  @Test
  void unknownSecretIdNamesTheIdNotAValue() {
    SecretLoader loader =
        new SecretLoader(config(Optional.empty(), Optional.of("nope/missing")), Map.of());
    assertThatThrownBy(loader::get)
        .isInstanceOf(SecretException.class)
        .hasMessageContaining("nope/missing")
        .hasMessageNotContaining(SECRET_A);
  }

  @Test
  void fileThenEnvironment() throws Exception {
    Path file = dir.resolve("secret");
    Files.writeString(file, SECRET_B + "\n");
    assertThat(token(new SecretLoader(config(Optional.of(file), Optional.empty()), Map.of()).get()))
        .isEqualTo(token(Secret.of(SECRET_B, false)));
    assertThat(
            token(
                new SecretLoader(
                        config(Optional.empty(), Optional.empty()),
                        Map.of("HEAPFLEET_SECRET", SECRET_A))
                    .get()))
        .isEqualTo(token(Secret.of(SECRET_A, false)));
    assertThatThrownBy(
            () -> new SecretLoader(config(Optional.empty(), Optional.empty()), Map.of()).get())
        .isInstanceOf(SecretException.class)
        .hasMessageContaining("HEAPFLEET_SECRET");
  }
}
