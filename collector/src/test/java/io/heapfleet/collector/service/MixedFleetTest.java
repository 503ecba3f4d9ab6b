package io.heapfleet.collector.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.retainer.GrowingOwner;
import io.heapfleet.auth.Compression;
import io.heapfleet.auth.HourlyToken;
import io.heapfleet.auth.Secret;
import io.heapfleet.auth.TaskCredentials;
import io.heapfleet.collector.api.TaskSummary;
import io.heapfleet.collector.capture.DumpCapture;
import io.heapfleet.collector.dashboard.CollectorDashboardData;
import io.heapfleet.collector.discovery.StaticDiscovery;
import io.heapfleet.collector.metrics.CollectorMetrics;
import io.heapfleet.collector.state.FleetState;
import io.heapfleet.collector.state.TaskStatus;
import io.heapfleet.collector.testing.MutableClock;
import io.heapfleet.collector.testing.TaskJvm;
import io.heapfleet.collector.testing.TaskNode;
import io.heapfleet.collector.testing.TestSchedulers;
import io.heapfleet.endpoint.client.HeapdumpClient;
import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.EmbeddedS3;
import io.heapfleet.testsupport.NodeRuntime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One fleet of a JVM task and two Node.js tasks, each a real process with its real agent ({@code
 * examples/leaky-app} with the Java agent; {@code examples/leaky-node/app.js} with the Node agent's
 * preload), captured by the collector loop into the in-process S3: the Node task that memoizes with
 * unique keys is judged leaking and its owner is the memoize closure's Map, the quiet one is not,
 * the JVM task is captured beside them, and a restarted collector rebuilds the same verdicts from
 * S3. Skipped, saying so, without {@code node} 18+ on the PATH.
 */
class MixedFleetTest {
  static final int ROUNDS = 5;

  @TempDir static Path dir;
  static EmbeddedS3 s3;
  static DumpStore store;
  static TaskJvm jvm;
  static TaskNode leaky;
  static TaskNode quiet;
  static final ExecutorService analysers = Executors.newCachedThreadPool();
  static final ExecutorService deepWorker = Executors.newSingleThreadExecutor();
  static final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @BeforeAll
  static void start() throws Exception {
    NodeRuntime.require();
    s3 = EmbeddedS3.filesystem(dir.resolve("s3"), "heapfleet");
    store = DumpStore.create(s3.settings().withPrefix("heapdumps"));
    jvm = TaskJvm.task("jvm-1").leakyApp().env("LEAK_MODE", "quiet").start();
    leaky = TaskNode.start("node-leaky", Map.of("LEAK_MODE", "memoize", "LEAK_RATE", "150"));
    quiet = TaskNode.start("node-quiet", Map.of("LEAK_MODE", "quiet", "LEAK_RATE", "150"));
    jvm.warmUp(2);
    quiet.warmUp(16);
  }

  @AfterAll
  static void stop() {
    if (jvm != null) {
      jvm.close();
    }
    if (leaky != null) {
      leaky.close();
    }
    if (quiet != null) {
      quiet.close();
    }
    analysers.shutdownNow();
    deepWorker.shutdownNow();
    timer.shutdownNow();
    if (store != null) {
      store.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void leakingNodeTaskIsJudgedLeakingWithItsMemoizeMapBesideAJvmTask() throws Exception {
    MutableClock clock = new MutableClock();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Path deepDir = dir.resolve("deep");
    DeepAnalyser deep =
        new DeepAnalyser(
            store, new DeepAnalyser.Settings(1L << 30, 256L << 20, 5, deepDir), deepWorker);
    SeriesAnalysis analysis = new SeriesAnalysis(store, 48, deep);
    CollectorEngine engine =
        new CollectorEngine(
            discovery(),
            TestSchedulers.halfHourly(3, clock),
            capture(clock),
            analysis,
            new FleetState(),
            new CollectorMetrics(registry),
            new CollectorEngineTest.CallerRuns(),
            clock,
            Duration.ofMinutes(1));

    for (int round = 0; round < ROUNDS; round++) {
      engine.tick();
      Map<String, TaskStatus> t = tasks(engine);
      for (String id : List.of("jvm-1", "node-leaky", "node-quiet")) {
        assertThat(t.get(id).lastAttempt().outcome())
            .as(id + ": " + t.get(id).lastAttempt().message())
            .isEqualTo("stored");
      }
      Thread.sleep(1000); // the memoize needs real time to grow
      clock.advance(Duration.ofMinutes(31));
    }

    Map<String, TaskStatus> t = tasks(engine);
    TaskStatus node = t.get("node-leaky");
    assertThat(node.snapshots()).isEqualTo(ROUNDS);
    assertThat(node.lastCapture().key())
        .matches("heapdumps/test/svc-node/node-leaky/\\d{8}T\\d{6}Z\\.heapsnapshot\\.gz");
    assertThat(t.get("jvm-1").lastCapture().key()).endsWith(".hprof.gz");
    assertThat(node.assessment()).as(node.reason()).isEqualTo("leaking");
    assertThat(node.growing()).as(node.growing().toString()).contains("Quote");
    assertThat(t.get("node-quiet").assessment())
        .as(t.get("node-quiet").reason())
        .isNotEqualTo("leaking");
    assertThat(registry.get("heapfleet.task.leaking").tag("task", "node-leaky").gauge().value())
        .isEqualTo(1.0);
    assertThat(registry.get("heapfleet.task.leaking").tag("task", "node-quiet").gauge().value())
        .isEqualTo(0.0);

    // The deep analysis runs on the stored snapshot: the owner is the memoize closure's Map.
    List<GrowingOwner> owners = awaitOwners(analysis, "node-leaky");
    assertThat(owners.get(0).owner())
        .as(owners.toString())
        .isEqualTo("Map held by closure memoized (context variable cache)");
    assertThat(owners.get(0).classes()).contains("Quote");
    assertThat(
            store.readArtifact(
                store.findTask("node-leaky").orElseThrow(),
                io.heapfleet.storage.TaskArtifact.DEEP_JSON))
        .isPresent();
    awaitEmpty(deepDir);

    // The API tells the runtimes apart and names the owner first.
    TaskSummary nodeSummary = TaskSummary.of(node, owners);
    assertThat(nodeSummary.runtime()).isEqualTo("node");
    assertThat(nodeSummary.topSuspectHeadline()).contains("memoized");
    assertThat(TaskSummary.of(t.get("jvm-1"), List.of()).runtime()).isEqualTo("jvm");
    // So does the dashboard's fleet table.
    assertThat(CollectorDashboardData.row(node, owners).runtime()).isEqualTo("node");
    assertThat(CollectorDashboardData.row(t.get("jvm-1"), List.of()).runtime()).isEqualTo("jvm");

    // A restarted collector rebuilds the same verdicts from the snapshots' summaries in S3.
    FleetState fresh = new FleetState();
    new SeriesAnalysis(store, 48).restoreInto(fresh);
    Map<String, TaskStatus> restored =
        fresh.tasks(id -> null).stream().collect(Collectors.toMap(TaskStatus::taskId, s -> s));
    assertThat(restored).containsOnlyKeys("jvm-1", "node-leaky", "node-quiet");
    assertThat(restored.get("node-leaky").snapshots()).isEqualTo(ROUNDS);
    assertThat(restored.get("node-leaky").assessment()).isEqualTo("leaking");
    assertThat(restored.get("node-quiet").assessment()).isEqualTo(t.get("node-quiet").assessment());
    assertThat(store.client().listMultipartUploads(b -> b.bucket("heapfleet")).uploads()).isEmpty();
  }

  private static StaticDiscovery discovery() {
    Map<URI, String> urls = new LinkedHashMap<>();
    urls.put(jvm.base(), "svc-jvm");
    urls.put(leaky.base(), "svc-node");
    urls.put(quiet.base(), "svc-quiet");
    return new StaticDiscovery(urls, CollectorEngineTest.probe(), "test", "default");
  }

  private static DumpCapture capture(MutableClock clock) {
    TaskCredentials c =
        TaskCredentials.of(Secret.of(TaskJvm.SECRET, false), HourlyToken.DEFAULT_SCOPE);
    return new DumpCapture(
        HeapdumpClient.create(Duration.ofSeconds(5)),
        store,
        () -> c,
        new DumpCapture.Settings(
            Duration.ofMinutes(2), Duration.ofSeconds(30), true, Compression.GZIP, 1 << 20, 5),
        clock,
        analysers,
        timer);
  }

  private static Map<String, TaskStatus> tasks(CollectorEngine engine) {
    return engine.tasks().stream().collect(Collectors.toMap(TaskStatus::taskId, s -> s));
  }

  private static List<GrowingOwner> awaitOwners(SeriesAnalysis analysis, String task)
      throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(120);
    while (Instant.now().isBefore(deadline)) {
      List<GrowingOwner> owners = analysis.growingOwners(task);
      if (!owners.isEmpty()) {
        return owners;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the deep analysis named no owner of " + task);
  }

  private static void awaitEmpty(Path deepDir) throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline)) {
      try (Stream<Path> files = Files.walk(deepDir)) {
        if (files.allMatch(deepDir::equals)) {
          return;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the deep analysis left files in " + deepDir);
  }
}
