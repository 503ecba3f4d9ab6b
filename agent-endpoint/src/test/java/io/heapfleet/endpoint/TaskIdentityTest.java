package io.heapfleet.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Task identity from a local HTTP server that serves real-shaped ECS task metadata v4. */
class TaskIdentityTest {

  private HttpServer metadata;
  private final AtomicReference<String> requestedPath = new AtomicReference<>();
  private volatile long delayMillis;

  @BeforeEach
  void startMetadataServer() throws Exception {
    byte[] json;
    try (InputStream in = getClass().getResourceAsStream("/ecs-task-metadata-v4.json")) {
      json = in.readAllBytes();
    }
    metadata = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    metadata.createContext(
        "/",
        ex -> {
          requestedPath.set(ex.getRequestURI().getPath());
          try {
            Thread.sleep(delayMillis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          boolean task = ex.getRequestURI().getPath().endsWith("/task");
          ex.sendResponseHeaders(task ? 200 : 404, task ? json.length : -1);
          if (task) {
            ex.getResponseBody().write(json);
          }
          ex.close();
        });
    metadata.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    metadata.start();
  }

  @AfterEach
  void stop() {
    metadata.stop(0);
  }

  private String metadataUri() {
    return "http://127.0.0.1:"
        + metadata.getAddress().getPort()
        + "/v4/158d1c8083dd49d6b527399fd6414f5c-1234567890";
  }

  private static EndpointSettings.Builder settings() {
    // Generous: the build machine may be busy. The timeout test sets its own.
    return EndpointSettings.builder(TestSupport.SECRET).ecsTimeout(Duration.ofSeconds(5));
  }

  @Test
  void readsTaskIdClusterServiceFamilyAndRevisionFromEcsMetadata() {
    TaskIdentity id =
        TaskIdentity.resolve(
            settings().build(), Map.of(TaskIdentity.ECS_METADATA_ENV, metadataUri()));
    assertThat(requestedPath.get())
        .isEqualTo("/v4/158d1c8083dd49d6b527399fd6414f5c-1234567890/task");
    assertThat(id.taskId()).isEqualTo("158d1c8083dd49d6b527399fd6414f5c");
    assertThat(id.cluster()).contains("prod-eu");
    assertThat(id.service()).contains("orders-api");
    assertThat(id.family()).contains("orders");
    assertThat(id.revision()).contains("26");
    assertThat(id.source()).contains(TaskIdentity.Source.ECS);
    assertThat(id.taskArn())
        .contains(
            "arn:aws:ecs:us-west-2:111122223333:task/prod-eu/158d1c8083dd49d6b527399fd6414f5c");
  }

  @Test
  void anExplicitTaskIdOverridesEcsButKeepsItsClusterAndService() {
    TaskIdentity id =
        TaskIdentity.resolve(
            settings().taskId("orders-canary-1").build(),
            Map.of(TaskIdentity.ECS_METADATA_ENV, metadataUri()));
    assertThat(id.taskId()).isEqualTo("orders-canary-1");
    assertThat(id.source()).contains(TaskIdentity.Source.CONFIG);
    assertThat(id.service()).contains("orders-api");
  }

  @Test
  void aSlowMetadataEndpointFallsBackToTheHostnameWithinTheTimeout() {
    delayMillis = 20_000;
    long t0 = System.nanoTime();
    TaskIdentity id =
        TaskIdentity.resolve(
            settings().ecsTimeout(Duration.ofMillis(300)).build(),
            Map.of(TaskIdentity.ECS_METADATA_ENV, metadataUri()));
    // 300 ms timeout against a 20 s answer; the bound is loose for a busy build machine.
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    assertThat(id.source()).contains(TaskIdentity.Source.HOSTNAME);
    assertThat(TaskIdentity.isValidTaskId(id.taskId())).isTrue();
  }

  @Test
  void withoutEcsTheExplicitIdThenTheHostnameIsUsed() {
    assertThat(TaskIdentity.resolve(settings().taskId("t-1").build(), Map.of()).taskId())
        .isEqualTo("t-1");
    TaskIdentity host = TaskIdentity.resolve(settings().build(), Map.of());
    assertThat(host.source()).contains(TaskIdentity.Source.HOSTNAME);
    assertThat(host.cluster()).isEmpty();
  }

  @Test
  void identityJsonRoundTrips() {
    TaskIdentity id =
        TaskIdentity.fromEcsTaskMetadata(
            "{\"TaskARN\":\"arn:aws:ecs:eu-west-1:1:task/c/abc\",\"Cluster\":\"c\",\"Family\":\"f\",\"Revision\":\"3\"}",
            "JVM \"17\"");
    assertThat(TaskIdentity.fromJson(id.toJson())).isEqualTo(id);
    assertThat(id.service()).isEmpty();
    assertThat(new String(id.toJson().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
        .contains("\"service\":null");
  }
}
