package io.heapfleet.collector.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.heapfleet.auth.HourlyToken;
import io.heapfleet.auth.Secret;
import io.heapfleet.auth.SecretException;
import io.heapfleet.collector.config.TokenConfig;
import io.heapfleet.collector.testing.MutableClock;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
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
  HttpServer sm;
  final AtomicReference<String> stored = new AtomicReference<>(SECRET_A);
  final List<String> targets = new ArrayList<>();

  @BeforeEach
  void startSecretsManager() throws Exception {
    System.setProperty("aws.accessKeyId", "AKIDTEST");
    System.setProperty("aws.secretAccessKey", "test");
    sm = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    sm.createContext(
        "/",
        ex -> {
          try (ex) {
            targets.add(ex.getRequestHeaders().getFirst("X-Amz-Target"));
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            byte[] out;
            int status;
            if (body.contains("\"heapfleet/secret\"")) {
              status = 200;
              out =
                  ("{\"ARN\":\"arn:aws:secretsmanager:eu-west-1:123456789012:secret:heapfleet/secret-AbCdEf\","
                          + "\"Name\":\"heapfleet/secret\",\"VersionId\":\"v1\",\"SecretString\":\""
                          + stored.get()
                          + "\\n\",\"CreatedDate\":1.7638E9}")
                      .getBytes(StandardCharsets.UTF_8);
            } else {
              status = 400;
              out =
                  "{\"__type\":\"ResourceNotFoundException\",\"message\":\"Secrets Manager can't find the specified secret.\"}"
                      .getBytes(StandardCharsets.UTF_8);
            }
            ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
            ex.sendResponseHeaders(status, out.length);
            ex.getResponseBody().write(out);
          }
        });
    sm.start();
  }

  @AfterEach
  void stop() {
    sm.stop(0);
  }

  TokenConfig config(Optional<Path> file, Optional<String> secretId) {
    URI endpoint = URI.create("http://127.0.0.1:" + sm.getAddress().getPort());
    return new TokenConfig() {
      public String secretEnv() {
        return "HEAPFLEET_SECRET";
      }

      public Optional<Path> secretFile() {
        return file;
      }

      public Optional<String> secretsManagerId() {
        return secretId;
      }

      public Optional<String> secretsManagerRegion() {
        return Optional.of("eu-west-1");
      }

      public Optional<URI> secretsManagerEndpointOverride() {
        return Optional.of(endpoint);
      }

      public Duration secretsManagerRefresh() {
        return Duration.ofMinutes(15);
      }

      public String scope() {
        return "heapdump";
      }

      public boolean allowWeakSecret() {
        return false;
      }
    };
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
    assertThat(targets).containsExactly("secretsmanager.GetSecretValue");
    stored.set(SECRET_B);
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
