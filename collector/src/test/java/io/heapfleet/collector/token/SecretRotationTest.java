package io.heapfleet.collector.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heapfleet.auth.Compression;
import io.heapfleet.auth.HourlyToken;
import io.heapfleet.auth.Secret;
import io.heapfleet.collector.config.TokenConfig;
import io.heapfleet.collector.testing.MutableClock;
import io.heapfleet.endpoint.EndpointSettings;
import io.heapfleet.endpoint.HeapdumpEndpoint;
import io.heapfleet.endpoint.TaskIdentity;
import io.heapfleet.endpoint.agent.AgentServer;
import io.heapfleet.endpoint.client.DumpRequest;
import io.heapfleet.endpoint.client.DumpResponse;
import io.heapfleet.endpoint.client.HeapdumpClient;
import io.heapfleet.endpoint.client.ProofException;
import io.heapfleet.testsupport.aws.SecretsManagerStandIn;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secret rotated in Secrets Manager while tasks keep the one ECS injected at their start: the
 * collector's {@link SecretLoader} (the real SDK client against a local server speaking the Secrets
 * Manager JSON protocol, with {@code AWSCURRENT} and {@code AWSPREVIOUS} versions and a JSON
 * key/value secret read as {@code id#key}) and {@link TokenSource}, capturing through the real
 * {@link HeapdumpClient} from javaagent servers on 127.0.0.1 that hold the old or the new secret.
 */
class SecretRotationTest {
  static final String OLD = "rotation-old-secret-0123456789abcdef0123456789abcdef";
  static final String NEW = "rotation-new-secret-0123456789abcdef0123456789abcdef";

  @TempDir Path tmp;
  SecretsManagerStandIn sm;
  final List<AgentServer> tasks = new ArrayList<>();

  @BeforeEach
  void startSecretsManager() throws IOException {
    System.setProperty("aws.accessKeyId", "AKIDTEST");
    System.setProperty("aws.secretAccessKey", "test");
    sm = SecretsManagerStandIn.start();
    sm.put("heapfleet/fleet", hmacSecret(OLD));
  }

  /** Stored as JSON key/value, as the console's "key/value" secrets are. */
  static String hmacSecret(String value) {
    return "{\"hmac\":\"" + value + "\",\"other\":\"x\"}";
  }

  @AfterEach
  void stop() {
    sm.close();
    tasks.forEach(AgentServer::close);
  }

  @Test
  void capturesKeepWorkingThroughARotationForTasksOnTheOldAndTheNewSecret() throws Exception {
    MutableClock clock = new MutableClock();
    SecretLoader loader = new SecretLoader(config("heapfleet/fleet#hmac"), Map.of());
    TokenSource tokens =
        new TokenSource(loader, loader::previous, "heapdump", clock, Duration.ofMinutes(15));
    URI oldTask = startTask("old-1", OLD, null);

    assertThat(capture(oldTask, "old-1", tokens)).isPositive();
    assertThat(tokens.previous()).isEmpty(); // no AWSPREVIOUS before the first rotation

    // Rotation: Secrets Manager moves AWSCURRENT to the new value; running tasks keep theirs.
    sm.put("heapfleet/fleet", SecretsManagerStandIn.PREVIOUS, hmacSecret(OLD));
    sm.put("heapfleet/fleet", hmacSecret(NEW));
    URI newTask = startTask("new-1", NEW, null);
    // Until the collector reloads, it cannot verify a task started with the new secret, and
    // sends it nothing; the old task still works.
    assertThat(capture(oldTask, "old-1", tokens)).isPositive();
    assertThatThrownBy(() -> capture(newTask, "new-1", tokens))
        .isInstanceOf(ProofException.class)
        .hasMessageContaining("cannot prove");

    clock.advance(Duration.ofMinutes(15));
    assertThat(capture(newTask, "new-1", tokens)).isPositive();
    assertThat(capture(oldTask, "old-1", tokens)).isPositive(); // proved with AWSPREVIOUS
    assertThat(tokens.previous()).isPresent();
    assertThat(sm.stagesAsked()).contains("AWSCURRENT", "AWSPREVIOUS");
  }

  @Test
  void anEndpointWithAPreviousSecretStillAcceptsTheOldHourlyToken() throws Exception {
    URI task = startTask("new-2", NEW, OLD);
    String oldToken =
        HourlyToken.compute(Secret.of(OLD, false), HourlyToken.DEFAULT_SCOPE, Instant.now());
    try (DumpResponse r =
        HeapdumpClient.create()
            .open(task, oldToken, DumpRequest.defaults().withFormat(Compression.RAW))) {
      assertThat(r.taskId()).isEqualTo("new-2");
      r.body().readAllBytes();
    }
    // A task without a previous secret refuses it.
    URI strict = startTask("new-3", NEW, null);
    assertThatThrownBy(
            () ->
                HeapdumpClient.create()
                    .open(strict, oldToken, DumpRequest.defaults().withFormat(Compression.RAW)))
        .hasMessageContaining("401");
  }

  @Test
  void aMissingJsonKeyNamesTheKeyNotTheValue() {
    SecretLoader loader = new SecretLoader(config("heapfleet/fleet#nope"), Map.of());
    assertThatThrownBy(loader::get).hasMessageContaining("'nope'").hasMessageNotContaining(OLD);
  }

  private long capture(URI task, String taskId, TokenSource tokens) throws IOException {
    try (DumpResponse r =
            HeapdumpClient.create()
                .open(
                    task,
                    tokens.credentials(),
                    DumpRequest.defaults().withTargetTask(taskId).withFormat(Compression.ZSTD));
        InputStream in = r.body()) {
      assertThat(r.taskId()).isEqualTo(taskId);
      return in.readAllBytes().length;
    }
  }

  private URI startTask(String taskId, String secret, String previousSecret) throws IOException {
    EndpointSettings.Builder settings =
        EndpointSettings.builder(Secret.of(secret, false))
            .tempDir(Files.createDirectories(tmp.resolve(taskId)))
            .minInterval(Duration.ZERO)
            .diskReserve(0)
            .acceptHourlyToken(true);
    if (previousSecret != null) {
      settings.previousSecret(Secret.of(previousSecret, false));
    }
    AgentServer server =
        AgentServer.start(
            HeapdumpEndpoint.builder(
                    settings.build(),
                    new TaskIdentity(taskId, null, "prod", "orders", null, null, null, "JVM"))
                .dumper((file, live) -> Files.write(file, new byte[] {1, 2, 3, 4}))
                .build(),
            "127.0.0.1",
            0);
    tasks.add(server);
    return URI.create("http://127.0.0.1:" + server.port());
  }

  private TokenConfig config(String secretId) {
    return new TestTokenConfig(Optional.empty(), Optional.of(secretId), sm.endpoint());
  }
}
