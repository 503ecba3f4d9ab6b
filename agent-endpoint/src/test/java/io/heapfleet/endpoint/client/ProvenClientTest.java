package io.heapfleet.endpoint.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heapfleet.auth.Compression;
import io.heapfleet.auth.Secret;
import io.heapfleet.auth.TaskCredentials;
import io.heapfleet.endpoint.EndpointSettings;
import io.heapfleet.endpoint.HeapDumper;
import io.heapfleet.endpoint.HeapdumpEndpoint;
import io.heapfleet.endpoint.TaskIdentity;
import io.heapfleet.endpoint.TestSupport;
import io.heapfleet.endpoint.agent.AgentServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client's proof path against the javaagent's server over real HTTP on 127.0.0.1. */
class ProvenClientTest {

  private static final TaskCredentials CREDS = TaskCredentials.of(TestSupport.SECRET, "heapdump");

  @TempDir Path tmp;
  private AgentServer server;
  private final AtomicInteger dumps = new AtomicInteger();

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private URI start(String taskId) throws IOException {
    EndpointSettings settings =
        EndpointSettings.builder(TestSupport.SECRET)
            .tempDir(tmp)
            .minInterval(Duration.ZERO)
            .diskReserve(0)
            .acceptHourlyToken(false)
            .build();
    HeapDumper fake =
        (file, live) -> {
          dumps.incrementAndGet();
          Files.write(file, new byte[] {42, 43, 44});
        };
    server =
        AgentServer.start(
            HeapdumpEndpoint.builder(
                    settings,
                    new TaskIdentity(taskId, null, "prod", "orders", null, null, null, "JVM"))
                .dumper(fake)
                .build(),
            "127.0.0.1",
            0);
    return URI.create("http://127.0.0.1:" + server.port());
  }

  @Test
  void aProvenCaptureGetsTheDumpOfTheExpectedTask() throws Exception {
    URI base = start("task-a");
    DumpRequest request =
        DumpRequest.defaults().withFormat(Compression.RAW).withTargetTask("task-a");
    try (DumpResponse r = HeapdumpClient.create().open(base, CREDS, request)) {
      assertThat(r.taskId()).isEqualTo("task-a");
      assertThat(r.body().readAllBytes()).containsExactly(42, 43, 44);
      assertThat(r.attempts()).isEqualTo(2);
    }
  }

  @Test
  void theIdentityOfAProvenTaskIsReadWithItsTaskToken() throws Exception {
    URI base = start("task-a");
    HeapdumpClient client = HeapdumpClient.create();
    ProvenTask proven = client.prove(base, CREDS, null);
    assertThat(proven.taskId()).isEqualTo("task-a");
    TaskIdentity id = client.identity(proven, CREDS, 1);
    assertThat(id.cluster()).contains("prod");
    assertThat(dumps).hasValue(0);
  }

  @Test
  void anEndpointWithAnotherSecretIsNotTrustedAndGetsNoCredential() throws Exception {
    URI base = start("task-a");
    TaskCredentials wrong =
        TaskCredentials.of(Secret.of("another-secret-that-is-long-enough-000", false), "heapdump");
    assertThatThrownBy(
            () ->
                HeapdumpClient.create()
                    .open(base, wrong, DumpRequest.defaults().withTargetTask("task-a")))
        .isInstanceOfSatisfying(
            ProofException.class,
            e -> assertThat(e.reason()).isEqualTo(ProofException.Reason.BAD_PROOF));
    assertThat(dumps).hasValue(0);
  }

  @Test
  void anotherTaskAtTheAddressAnswers421AndIsNotDumped() throws Exception {
    URI base = start("task-a");
    assertThatThrownBy(
            () ->
                HeapdumpClient.create()
                    .open(base, CREDS, DumpRequest.defaults().withTargetTask("task-b")))
        .isInstanceOfSatisfying(
            HeapdumpClientException.class, e -> assertThat(e.status()).isEqualTo(421));
    assertThat(dumps).hasValue(0);
  }
}
