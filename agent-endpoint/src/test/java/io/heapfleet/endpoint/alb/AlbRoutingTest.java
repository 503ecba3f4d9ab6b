package io.heapfleet.endpoint.alb;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.auth.Compression;
import io.heapfleet.auth.TaskCredentials;
import io.heapfleet.endpoint.EndpointSettings;
import io.heapfleet.endpoint.HeapdumpEndpoint;
import io.heapfleet.endpoint.TaskIdentity;
import io.heapfleet.endpoint.TestSupport;
import io.heapfleet.endpoint.agent.AgentServer;
import io.heapfleet.endpoint.client.DumpRequest;
import io.heapfleet.endpoint.client.DumpResponse;
import io.heapfleet.endpoint.client.HeapdumpClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pinned captures through {@link AlbLikeProxy}, which routes every request on its own over pooled
 * target connections, as an ALB does, in front of three javaagent servers on 127.0.0.1.
 */
class AlbRoutingTest {

  private static final TaskCredentials CREDS = TaskCredentials.of(TestSupport.SECRET, "heapdump");
  private static final List<String> TASKS = List.of("t0", "t1", "t2");

  @TempDir Path tmp;
  private final List<AgentServer> servers = new ArrayList<>();
  private AlbLikeProxy alb;

  @AfterEach
  void stop() throws IOException {
    if (alb != null) {
      alb.close();
    }
    servers.forEach(AgentServer::close);
  }

  @Test
  void withStickinessTheCookieKeepsProofAndCaptureOnTheWantedTask() throws Exception {
    URI base = start(true);
    HeapdumpClient client = HeapdumpClient.create();

    for (String task : TASKS) {
      DumpResponse r = capture(client, base, task);
      assertThat(r.taskId()).isEqualTo(task);
    }
    // The capture request of each landed where its proof did: never a misdirected capture.
    List<AlbLikeProxy.Routed> dumps =
        alb.routed().stream()
            .filter(x -> x.path.startsWith("/heapdump?"))
            .collect(Collectors.toList());
    assertThat(dumps).hasSize(TASKS.size()).allMatch(x -> x.byCookie);

    // The next capture of each task goes straight there: one proof, one capture.
    for (String task : TASKS) {
      DumpResponse r = capture(client, base, task);
      assertThat(r.taskId()).isEqualTo(task);
      assertThat(r.attempts()).as("requests for " + task).isEqualTo(2);
    }
    assertThat(client.perRequestRoutingSeen(base)).isFalse();
    assertThat(alb.targetConnections()).isLessThan(alb.routed().size());
  }

  @Test
  void withoutStickinessACaptureMissesItsProvenTaskAndTheClientSaysSo() throws Exception {
    URI base = start(false);
    HeapdumpClient client = HeapdumpClient.create();

    // Strict round robin sends the capture that follows a proof to the next task, every time:
    // the client retries the credential until it lands (bounded), and reports the routing.
    DumpResponse r = capture(client, base, "t1");
    assertThat(r.taskId()).isEqualTo("t1");
    assertThat(r.attempts()).isGreaterThan(2);
    assertThat(client.perRequestRoutingSeen(base)).isTrue();
    assertThat(alb.targetConnections()).isLessThan(alb.routed().size());
  }

  private DumpResponse capture(HeapdumpClient client, URI base, String task) throws IOException {
    DumpResponse r =
        client.open(
            base,
            CREDS,
            DumpRequest.defaults()
                .withTargetTask(task)
                .withFormat(Compression.ZSTD)
                .withMaxAttempts(20));
    try (r) {
      r.body().readAllBytes();
    }
    return r;
  }

  private URI start(boolean sticky) throws IOException {
    List<URI> targets = new ArrayList<>();
    for (String task : TASKS) {
      EndpointSettings settings =
          EndpointSettings.builder(TestSupport.SECRET)
              .tempDir(Files.createDirectories(tmp.resolve(task)))
              .minInterval(Duration.ZERO)
              .diskReserve(0)
              .acceptHourlyToken(false)
              .build();
      AgentServer s =
          AgentServer.start(
              HeapdumpEndpoint.builder(
                      settings,
                      new TaskIdentity(task, null, "prod", "orders", null, null, null, "JVM"))
                  .dumper((file, live) -> Files.write(file, new byte[] {1, 2, 3, 4}))
                  .build(),
              "127.0.0.1",
              0);
      servers.add(s);
      targets.add(URI.create("http://127.0.0.1:" + s.port()));
    }
    alb = AlbLikeProxy.start(targets, sticky);
    return alb.uri();
  }
}
