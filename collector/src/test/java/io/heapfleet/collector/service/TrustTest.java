package io.heapfleet.collector.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.auth.Compression;
import io.heapfleet.auth.HourlyToken;
import io.heapfleet.auth.Secret;
import io.heapfleet.auth.TaskCredentials;
import io.heapfleet.collector.capture.DumpCapture;
import io.heapfleet.collector.discovery.Discovery;
import io.heapfleet.collector.discovery.IdentityProbe;
import io.heapfleet.collector.discovery.IdentityRefusals;
import io.heapfleet.collector.discovery.LoadBalancerDiscovery;
import io.heapfleet.collector.discovery.ProvingIdentityProbe;
import io.heapfleet.collector.discovery.StaticDiscovery;
import io.heapfleet.collector.metrics.CollectorMetrics;
import io.heapfleet.collector.schedule.CaptureScheduler;
import io.heapfleet.collector.state.FleetState;
import io.heapfleet.collector.state.TaskStatus;
import io.heapfleet.collector.testing.CaptureRig;
import io.heapfleet.collector.testing.MutableClock;
import io.heapfleet.collector.testing.RecordingFakeTarget;
import io.heapfleet.collector.testing.RoundRobinTcpProxy;
import io.heapfleet.collector.testing.TaskJvm;
import io.heapfleet.collector.testing.TestSchedulers;
import io.heapfleet.endpoint.HeapfleetHeaders;
import io.heapfleet.endpoint.client.HeapdumpClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector trusts no target: fake endpoints that record every header they receive sit in the
 * static target list and behind a round-robin balancer next to a real agent JVM, some claiming the
 * real task's id. After the collector has run, everything they recorded is replayed against the
 * real agent, which must answer 401. Impostors that hold the secret (a duplicate claim) and ids
 * that break the rules (CR/LF, 300 characters) are refused before any dump is asked for, and
 * reported.
 */
class TrustTest {
  private static final Set<String> NOT_REPLAYABLE =
      Set.of("connection", "content-length", "expect", "host", "upgrade", "x-heapdump-target-task");

  @TempDir static Path dir;
  static CaptureRig rig;
  static TaskJvm real;

  final MutableClock clock = new MutableClock();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final CollectorMetrics metrics = new CollectorMetrics(registry);
  final IdentityRefusals refusals =
      new IdentityRefusals(clock, c -> metrics.identityConflict(), metrics::untrustedEndpoint);
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    rig = CaptureRig.start(dir);
    real = TaskJvm.task("real-1").targetApp(1, 300).start();
  }

  @AfterAll
  static void stop() {
    if (real != null) {
      real.close();
    }
    if (rig != null) {
      rig.close();
    }
  }

  static TaskCredentials credentials() {
    return TaskCredentials.of(Secret.of(TaskJvm.SECRET, false), HourlyToken.DEFAULT_SCOPE);
  }

  static IdentityProbe probe() {
    return new ProvingIdentityProbe(
        HeapdumpClient.create(Duration.ofSeconds(5)), TrustTest::credentials, 5);
  }

  CollectorEngine engine(Discovery discovery) {
    CaptureScheduler scheduler = TestSchedulers.halfHourly(2, clock);
    DumpCapture capture =
        new DumpCapture(
            HeapdumpClient.create(Duration.ofSeconds(5)),
            rig.store(),
            TrustTest::credentials,
            new DumpCapture.Settings(
                Duration.ofMinutes(1), Duration.ofSeconds(20), true, Compression.GZIP, 1 << 20, 8),
            clock,
            rig.analysers(),
            rig.timer());
    return new CollectorEngine(
        discovery,
        scheduler,
        capture,
        new SeriesAnalysis(rig.store(), 48),
        new FleetState(),
        metrics,
        new CollectorEngineTest.CallerRuns(),
        clock,
        Duration.ofMinutes(1));
  }

  StaticDiscovery staticList(URI... urls) {
    Map<URI, String> services = new LinkedHashMap<>();
    for (URI u : urls) {
      services.put(u, null);
    }
    return new StaticDiscovery(services, probe(), "test", "orders", refusals);
  }

  int snapshots(CollectorEngine engine, String taskId) {
    return engine.task(taskId).map(TaskStatus::snapshots).orElse(0);
  }

  /** Replays every request a fake recorded against the real agent's dump and identity. */
  void assertReplaysAreRefused(RecordingFakeTarget fake) throws Exception {
    assertThat(fake.recorded()).as("the fake was asked something").isNotEmpty();
    for (RecordingFakeTarget.Recorded r : fake.recorded()) {
      String query =
          r.pathAndQuery().contains("?") ? r.pathAndQuery().replaceAll("^[^?]*", "") : "";
      for (String path : List.of("/heapdump" + query, "/heapdump/identity" + query)) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(real.base() + path));
        r.headers()
            .forEach(
                (name, values) -> {
                  if (!NOT_REPLAYABLE.contains(name.toLowerCase())) {
                    values.forEach(v -> b.header(name, v));
                  }
                });
        HttpResponse<String> replay = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(replay.statusCode())
            .as("replaying %s %s with %s", r.method(), path, r.headers().keySet())
            .isEqualTo(401);
      }
    }
    // The replay itself works: the same request with a real credential is answered.
    HttpResponse<String> control =
        http.send(
            HttpRequest.newBuilder(URI.create(real.base() + "/heapdump/identity"))
                .header(
                    HeapfleetHeaders.AUTHORIZATION,
                    HeapfleetHeaders.SCHEME_HOURLY
                        + " "
                        + HourlyToken.compute(
                            Secret.of(TaskJvm.SECRET, false), "heapdump", Instant.now()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(control.statusCode()).isEqualTo(200);
  }

  static void assertNoCredentialSeen(RecordingFakeTarget fake) {
    assertThat(fake.recorded())
        .allSatisfy(r -> assertThat(r.headers()).doesNotContainKey(HeapfleetHeaders.AUTHORIZATION));
    assertThat(fake.recorded())
        .allSatisfy(r -> assertThat(r.pathAndQuery()).doesNotContain("hash="));
    assertThat(fake.dumpRequests()).isZero();
  }

  @Test
  void fakesInTheStaticListGetNoCredentialAndNothingTheySawOpensTheRealTask() throws Exception {
    try (RecordingFakeTarget stranger = RecordingFakeTarget.stranger("stranger-1");
        RecordingFakeTarget impostor = RecordingFakeTarget.stranger(real.taskId())) {
      CollectorEngine engine = engine(staticList(real.base(), stranger.base(), impostor.base()));
      engine.tick();
      assertThat(snapshots(engine, real.taskId()))
          .as(String.valueOf(engine.task(real.taskId())))
          .isEqualTo(1);
      assertThat(engine.task("stranger-1")).isEmpty();
      assertNoCredentialSeen(stranger);
      assertNoCredentialSeen(impostor);
      assertReplaysAreRefused(stranger);
      assertReplaysAreRefused(impostor);
      assertThat(refusals.untrustedEndpoints())
          .extracting(IdentityRefusals.Untrusted::url, IdentityRefusals.Untrusted::reason)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple(stranger.base().toString(), "bad_proof"),
              org.assertj.core.groups.Tuple.tuple(impostor.base().toString(), "bad_proof"));
      assertThat(
              registry
                  .get("heapfleet.untrusted.endpoints")
                  .tag("reason", "bad_proof")
                  .counter()
                  .count())
          .isEqualTo(2);
    }
  }

  @Test
  void aFakeBehindTheBalancerClaimingTheRealIdGetsNoCredentialAndTheRealTaskIsCaptured()
      throws Exception {
    try (RecordingFakeTarget impostor = RecordingFakeTarget.stranger(real.taskId());
        RoundRobinTcpProxy lb = new RoundRobinTcpProxy(List.of(real.base(), impostor.base()))) {
      LoadBalancerDiscovery discovery =
          new LoadBalancerDiscovery(
              lb.uri(), probe(), 4, Duration.ofMinutes(10), clock, "lb", "orders", refusals);
      CollectorEngine engine = engine(discovery);
      engine.tick();
      engine.tick();
      assertThat(snapshots(engine, real.taskId()))
          .as(String.valueOf(engine.task(real.taskId())))
          .isEqualTo(1);
      assertNoCredentialSeen(impostor);
      assertReplaysAreRefused(impostor);
      assertThat(refusals.untrustedEndpoints())
          .extracting(IdentityRefusals.Untrusted::reason)
          .containsExactly("bad_proof");
    }
  }

  @Test
  void anImpostorHoldingTheSecretIsADuplicateClaimNeitherIsCapturedAndItIsReported()
      throws Exception {
    try (RecordingFakeTarget impostor =
        RecordingFakeTarget.withSecret(real.taskId(), TaskJvm.SECRET)) {
      CollectorEngine engine = engine(staticList(real.base(), impostor.base()));
      engine.tick();
      assertThat(snapshots(engine, real.taskId())).isZero();
      assertThat(impostor.dumpRequests()).isZero();
      assertThat(refusals.duplicateClaims()).hasSize(1);
      IdentityRefusals.DuplicateClaim claim = refusals.duplicateClaims().get(0);
      assertThat(claim.taskId()).isEqualTo(real.taskId());
      assertThat(claim.urls())
          .containsExactlyInAnyOrder(real.base().toString(), impostor.base().toString());
      assertThat(registry.get("heapfleet.identity.conflicts").counter().count()).isEqualTo(1);
      engine.tick(); // still disputed: reported once, still not captured
      assertThat(registry.get("heapfleet.identity.conflicts").counter().count()).isEqualTo(1);
    }
  }

  @Test
  void idsWithCrLfOr300CharactersAreRefusedBeforeAnyDumpIsRequested() throws Exception {
    String forged = "t1\r\n2026-11-22 INFO captured everything";
    try (RecordingFakeTarget crlf = RecordingFakeTarget.withSecret(forged, TaskJvm.SECRET);
        RecordingFakeTarget longId =
            RecordingFakeTarget.withSecret("a".repeat(300), TaskJvm.SECRET)) {
      CollectorEngine engine = engine(staticList(real.base(), crlf.base(), longId.base()));
      engine.tick();
      for (RecordingFakeTarget fake : List.of(crlf, longId)) {
        assertThat(fake.dumpRequests()).isZero();
        // The proof was the only question: the id failed the rule before anything else.
        assertThat(fake.recorded())
            .extracting(RecordingFakeTarget.Recorded::pathAndQuery)
            .containsOnly("/heapdump/proof");
        assertNoCredentialSeen(fake);
      }
      assertThat(refusals.untrustedEndpoints())
          .extracting(IdentityRefusals.Untrusted::reason)
          .containsExactly("invalid_task_id", "invalid_task_id");
      assertThat(refusals.untrustedEndpoints())
          .allSatisfy(
              u ->
                  assertThat(u.message())
                      .doesNotContain("\r")
                      .doesNotContain("\n")
                      .hasSizeLessThan(600));
      assertThat(snapshots(engine, real.taskId())).isEqualTo(1);
    }
  }
}
