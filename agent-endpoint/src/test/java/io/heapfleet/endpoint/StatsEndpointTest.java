package io.heapfleet.endpoint;

import static io.heapfleet.endpoint.TestSupport.SECRET;
import static io.heapfleet.endpoint.TestSupport.token;
import static io.heapfleet.endpoint.TestSupport.wrongToken;
import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.auth.TaskCredentials;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /heapdump/stats} through the javaagent's HTTP server over real HTTP on 127.0.0.1: the
 * document's fields (the Node.js agent's names), and every status the other routes give.
 */
class StatsEndpointTest {

  private static final TaskCredentials CREDS = TaskCredentials.of(SECRET, "heapdump");

  @TempDir Path tmp;
  @RegisterExtension final LocalAgentServer server = new LocalAgentServer();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private URI start(boolean acceptHourly, HeapDumper dumper) throws IOException {
    EndpointSettings settings =
        LocalAgentServer.settings(tmp).acceptHourlyToken(acceptHourly).build();
    TaskIdentity identity =
        new TaskIdentity("task-a", null, "prod", "orders", null, null, null, "Test JVM 17");
    return server
        .start(HeapdumpEndpoint.builder(settings, identity).dumper(dumper).build())
        .resolve("/heapdump/stats");
  }

  private URI start() throws IOException {
    return start(true, new LatchDumper(false));
  }

  private HttpResponse<String> get(URI uri, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri);
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The read-only task token of {@code task} for this hour. */
  private static Map<String, String> taskToken(String task) {
    return Map.of(
        HeapfleetHeaders.AUTHORIZATION,
        HeapfleetHeaders.SCHEME_TASK + " " + CREDS.taskToken(task, Instant.now()));
  }

  private static Map<String, String> hourly() {
    return Map.of(HeapfleetHeaders.AUTHORIZATION, HeapfleetHeaders.SCHEME_HOURLY + " " + token());
  }

  @Test
  void statsNameTheTaskAndTheJvmsHeapWithTheNodeAgentsFieldNames() throws Exception {
    URI stats = start();
    System.gc(); // a full collection, so the old generation has a figure after GC
    HttpResponse<String> r = get(stats, hourly());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(r.headers().firstValue(HeapfleetHeaders.TASK)).hasValue("task-a");
    Map<String, Object> s = Json.parseObject(r.body());
    assertThat(s.keySet())
        .containsExactly(
            "taskId",
            "runtime",
            "jvm",
            "time",
            "uptimeMs",
            "heapUsed",
            "heapCommitted",
            "heapMax",
            "oldGenPool",
            "oldGenUsed",
            "oldGenCommitted",
            "oldGenUsedAfterGc",
            "lastMajorGcAt",
            "gcCount",
            "majorGcCount",
            "gcTimeMs",
            "rss",
            "directBuffers");
    assertThat(s)
        .containsEntry("taskId", "task-a")
        .containsEntry("runtime", "jvm")
        .containsEntry("jvm", "Test JVM 17");
    Instant time = Instant.parse((String) s.get("time"));
    assertThat(time).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));
    long heapUsed = ((Number) s.get("heapUsed")).longValue();
    long heapMax = ((Number) s.get("heapMax")).longValue();
    assertThat(heapUsed).isPositive();
    // surefire runs this JVM with -Xmx256m
    assertThat(heapMax).isBetween(200L << 20, 256L << 20);
    assertThat(((Number) s.get("heapCommitted")).longValue()).isBetween(heapUsed, heapMax);
    // The test JVM runs the default collector, G1.
    assertThat(s).containsEntry("oldGenPool", "G1 Old Gen");
    long oldUsed = ((Number) s.get("oldGenUsed")).longValue();
    assertThat(oldUsed).isPositive().isLessThanOrEqualTo(heapMax);
    assertThat(((Number) s.get("oldGenUsedAfterGc")).longValue()).isPositive();
    assertThat(((Number) s.get("majorGcCount")).longValue()).isPositive();
    assertThat(((Number) s.get("gcCount")).longValue())
        .isGreaterThanOrEqualTo(((Number) s.get("majorGcCount")).longValue());
    assertThat(Instant.parse((String) s.get("lastMajorGcAt"))).isBefore(time.plusSeconds(1));
    assertThat(((Number) s.get("uptimeMs")).longValue()).isPositive();
    if (java.nio.file.Files.isReadable(Path.of("/proc/self/status"))) {
      assertThat(((Number) s.get("rss")).longValue()).isGreaterThan(heapUsed / 4);
    } else {
      assertThat(s.get("rss")).isNull();
    }
  }

  @Test
  void gcFullRunsAFullCollectionFirstAtMostOnceInTenSeconds() throws Exception {
    URI stats = start();
    URI gc = URI.create(stats + "?gc=full");
    Map<String, String> task = taskToken("task-a");
    assertThat(get(gc, Map.of()).statusCode()).as("no credential").isEqualTo(401);
    long before =
        ((Number) Json.parseObject(get(stats, task).body()).get("majorGcCount")).longValue();

    HttpResponse<String> r = get(gc, task);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    Map<String, Object> s = Json.parseObject(r.body());
    assertThat(((Number) s.get("majorGcCount")).longValue()).isGreaterThan(before);
    assertThat(((Number) s.get("oldGenUsedAfterGc")).longValue()).isPositive();
    @SuppressWarnings("unchecked")
    Map<String, Object> forced = (Map<String, Object>) s.get("gc");
    assertThat(forced).containsEntry("forced", true);
    assertThat(((Number) forced.get("pauseMs")).longValue()).isNotNegative();

    HttpResponse<String> again = get(gc, task);
    assertThat(again.statusCode()).isEqualTo(429);
    assertThat(Long.parseLong(again.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1L, 11L);
    assertThat(again.body()).contains("gc_too_soon");
    assertThat(get(stats, task).statusCode()).as("plain stats stay open").isEqualTo(200);
    assertThat(get(URI.create(stats + "?gc=yes"), task).statusCode()).isEqualTo(400);
  }

  @Test
  void gcFullSaysSoWhenTheJvmIgnoresExplicitCollections() {
    ForcedGc disabled = new ForcedGc(java.time.Clock.systemUTC(), true);
    ForcedGc.Result r = disabled.run();
    assertThat(r.kind).isEqualTo(ForcedGc.Result.Kind.UNAVAILABLE);
    assertThat(r.reason).contains("-XX:+DisableExplicitGC");
  }

  @Test
  void theTaskTokenOfThisTaskAndACaptureCredentialOpenTheStatsOthersAre401() throws Exception {
    URI stats = start();
    URI base = URI.create(stats.toString().replace("/heapdump/stats", ""));
    assertThat(get(stats, taskToken("task-a")).statusCode()).isEqualTo(200);
    assertThat(get(stats, taskToken("task-b")).statusCode()).isEqualTo(401);
    HttpResponse<String> proof =
        get(
            URI.create(base + "/heapdump/proof"),
            Map.of(HeapfleetHeaders.CHALLENGE, TaskCredentials.randomHex()));
    String nonce = (String) Json.parseObject(proof.body()).get("nonce");
    String capture =
        HeapfleetHeaders.SCHEME_CAPTURE + " " + nonce + "." + CREDS.capture("task-a", nonce);
    assertThat(get(stats, Map.of(HeapfleetHeaders.AUTHORIZATION, capture)).statusCode())
        .isEqualTo(200);
    assertThat(get(stats, Map.of(HeapfleetHeaders.AUTHORIZATION, capture)).statusCode())
        .as("a capture credential is single use")
        .isEqualTo(401);
    assertThat(get(URI.create(stats + "?hash=" + token()), Map.of()).statusCode()).isEqualTo(200);
  }

  @Test
  void withoutOrWithAWrongCredentialTheAnswerIsABare401() throws Exception {
    URI stats = start();
    for (Map<String, String> h :
        Map.of(
                "none", Map.<String, String>of(),
                "wrong",
                    Map.of(
                        HeapfleetHeaders.AUTHORIZATION,
                        HeapfleetHeaders.SCHEME_HOURLY + " " + wrongToken()),
                "garbage",
                    Map.of(HeapfleetHeaders.AUTHORIZATION, HeapfleetHeaders.SCHEME_HOURLY + " zz"),
                "scheme", Map.of(HeapfleetHeaders.AUTHORIZATION, "Bearer " + token()))
            .values()) {
      HttpResponse<String> r = get(stats, h);
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate"))
          .hasValue(HeapfleetHeaders.SCHEME_HOURLY);
      assertThat(r.headers().firstValue(HeapfleetHeaders.TASK)).isEmpty();
      assertThat(r.body()).doesNotContain("task-a").doesNotContain("heapUsed");
    }
  }

  @Test
  void anEndpointThatRefusesTheHourlyTokenRefusesItForStatsToo() throws Exception {
    URI stats = start(false, new LatchDumper(false));
    assertThat(get(stats, hourly()).statusCode()).isEqualTo(401);
    assertThat(get(stats, taskToken("task-a")).statusCode()).isEqualTo(200);
  }

  @Test
  void statsPinnedToAnotherTaskAre421BeforeTheCredential() throws Exception {
    URI stats = start();
    HttpResponse<String> r = get(stats, Map.of(HeapfleetHeaders.TARGET_TASK, "task-b"));
    assertThat(r.statusCode()).isEqualTo(421);
    assertThat(Json.parseObject(r.body()))
        .containsEntry("error", "misdirected")
        .containsEntry("taskId", "task-a");
    assertThat(r.headers().firstValue(HeapfleetHeaders.TASK)).hasValue("task-a");
    assertThat(r.headers().firstValue(HeapfleetHeaders.CLUSTER)).isEmpty();
  }

  @Test
  void onlyGetOnTheExactPathIsAnswered() throws Exception {
    URI stats = start();
    for (String method : new String[] {"HEAD", "POST", "get"}) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(stats)
                  .method(method, HttpRequest.BodyPublishers.noBody())
                  .header(
                      HeapfleetHeaders.AUTHORIZATION,
                      HeapfleetHeaders.SCHEME_HOURLY + " " + token())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(method).isEqualTo(405);
      assertThat(r.headers().firstValue("Allow")).hasValue("GET");
    }
    assertThat(get(URI.create(stats + "/"), hourly()).statusCode()).isEqualTo(404);
    assertThat(get(URI.create(stats.toString().replace("stats", "Stats")), hourly()).statusCode())
        .isEqualTo(404);
  }

  @Test
  void statsAnswerWhileADumpIsRunningAndTakeNoDumpThemselves() throws Exception {
    LatchDumper held = new LatchDumper(true);
    URI stats = start(true, held);
    URI dump = URI.create(stats.toString().replace("/stats", "") + "?format=raw");
    CompletableFuture<HttpResponse<Void>> running =
        http.sendAsync(
            HttpRequest.newBuilder(dump)
                .header(
                    HeapfleetHeaders.AUTHORIZATION, HeapfleetHeaders.SCHEME_HOURLY + " " + token())
                .build(),
            HttpResponse.BodyHandlers.discarding());
    assertThat(held.started.await(30, TimeUnit.SECONDS)).isTrue();
    HttpResponse<String> r = get(stats, hourly());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(Json.parseObject(r.body())).containsEntry("taskId", "task-a");
    held.release.countDown();
    assertThat(running.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    get(stats, hourly());
    assertThat(held.dumps).hasValue(1);
  }
}
