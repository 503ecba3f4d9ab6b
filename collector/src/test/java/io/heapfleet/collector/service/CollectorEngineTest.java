package io.heapfleet.collector.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.auth.Compression;
import io.heapfleet.auth.HourlyToken;
import io.heapfleet.auth.Secret;
import io.heapfleet.auth.TaskCredentials;
import io.heapfleet.collector.capture.CaptureOutcome;
import io.heapfleet.collector.capture.CaptureReport;
import io.heapfleet.collector.capture.DumpCapture;
import io.heapfleet.collector.discovery.Discovery;
import io.heapfleet.collector.discovery.EcsDiscovery;
import io.heapfleet.collector.discovery.EcsStubAccess;
import io.heapfleet.collector.discovery.IdentityProbe;
import io.heapfleet.collector.discovery.LoadBalancerDiscovery;
import io.heapfleet.collector.discovery.ProvingIdentityProbe;
import io.heapfleet.collector.discovery.Target;
import io.heapfleet.collector.metrics.CollectorMetrics;
import io.heapfleet.collector.schedule.CaptureScheduler;
import io.heapfleet.collector.state.FleetState;
import io.heapfleet.collector.state.TaskStatus;
import io.heapfleet.collector.testing.CaptureRig;
import io.heapfleet.collector.testing.MutableClock;
import io.heapfleet.collector.testing.RoundRobinTcpProxy;
import io.heapfleet.collector.testing.TaskJvm;
import io.heapfleet.collector.testing.TestSchedulers;
import io.heapfleet.endpoint.client.HeapdumpClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector loop without Quarkus, with a clock the test moves: ECS discovery through the ECS
 * stub to real agent JVMs (a task replaced by a new one), S3 refusing writes then recovering on the
 * next round, and a wrong token that must not cause a retry storm. Captures run on the calling
 * thread so that every tick is deterministic.
 */
class CollectorEngineTest {
  @TempDir static Path dir;
  static CaptureRig rig;
  static TaskJvm a1;
  static TaskJvm b1;
  static TaskJvm b2;

  @BeforeAll
  static void start() throws Exception {
    rig = CaptureRig.start(dir);
    a1 = TaskJvm.task("a1").targetApp(1, 300).start();
    b1 = TaskJvm.task("b1").targetApp(1, 300).start();
    b2 = TaskJvm.task("b2").targetApp(1, 300).start();
  }

  @AfterAll
  static void stop() {
    for (TaskJvm t : new TaskJvm[] {a1, b1, b2}) {
      if (t != null) {
        t.close();
      }
    }
    if (rig != null) {
      rig.close();
    }
  }

  /** Runs each task on the calling thread. */
  static final class CallerRuns extends AbstractExecutorService {
    @Override
    public void execute(Runnable command) {
      command.run();
    }

    @Override
    public void shutdown() {}

    @Override
    public List<Runnable> shutdownNow() {
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return false;
    }

    @Override
    public boolean isTerminated() {
      return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }

  final MutableClock clock = new MutableClock();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  CollectorEngine engine(Discovery discovery, String secret) {
    CaptureScheduler scheduler = TestSchedulers.halfHourly(2, clock);
    DumpCapture capture = capture(secret);
    return new CollectorEngine(
        discovery,
        scheduler,
        capture,
        new SeriesAnalysis(rig.store(), 48),
        new FleetState(),
        new CollectorMetrics(registry),
        new CallerRuns(),
        clock,
        Duration.ofMinutes(1));
  }

  DumpCapture capture(String secret) {
    TaskCredentials c = TaskCredentials.of(Secret.of(secret, false), HourlyToken.DEFAULT_SCOPE);
    Supplier<TaskCredentials> token = () -> c;
    return new DumpCapture(
        HeapdumpClient.create(Duration.ofSeconds(5)),
        rig.store(),
        token,
        new DumpCapture.Settings(
            Duration.ofMinutes(1), Duration.ofSeconds(20), true, Compression.GZIP, 1 << 20, 5),
        clock,
        rig.analysers(),
        rig.timer());
  }

  double captures(String outcome) {
    return registry.get("heapfleet.captures").tag("outcome", outcome).counter().count();
  }

  Map<String, TaskStatus> tasks(CollectorEngine engine) {
    return engine.tasks().stream().collect(Collectors.toMap(TaskStatus::taskId, t -> t));
  }

  @Test
  void ecsDiscoveredTasksAreCapturedAndAReplacedTaskEndsItsSeries() throws Exception {
    try (EcsStubAccess ecs = new EcsStubAccess()) {
      // awsvpc tasks all on 127.0.0.1 here; the per-service port says which agent is which.
      Map<String, Integer> ports =
          Map.of("svc-a", a1.base().getPort(), "svc-b", b1.base().getPort());
      ecs.tasks("prod", Map.of("a1", "svc-a", "b1", "svc-b"));
      CollectorEngine engine =
          engine(
              new EcsDiscovery(ecs.client(), "prod", List.of("svc-a", "svc-b"), ports::get),
              TaskJvm.SECRET);

      engine.tick(); // discovery + the first round (jitter 0: all due)
      Map<String, TaskStatus> t = tasks(engine);
      assertThat(t.get("a1").snapshots()).as(t.toString()).isEqualTo(1);
      assertThat(t.get("b1").snapshots()).isEqualTo(1);
      assertThat(t.get("b1").service()).isEqualTo("svc-b");
      assertThat(t.get("b1").lastCapture().key()).startsWith("heapdumps/prod/svc-b/b1/");

      // ECS replaces b1 with b2 (served by the b2 agent from now on).
      ports = Map.of("svc-a", a1.base().getPort(), "svc-b", b2.base().getPort());
      ecs.tasks("prod", Map.of("a1", "svc-a", "b2", "svc-b"));
      Map<String, Integer> newPorts = ports;
      engine =
          engine(
              new EcsDiscovery(ecs.client(), "prod", List.of("svc-a", "svc-b"), newPorts::get),
              TaskJvm.SECRET);
      engine.restore();
      clock.advance(Duration.ofMinutes(31));
      engine.tick();
      t = tasks(engine);
      assertThat(t.get("b1").live()).isFalse(); // series ended, still listed from S3
      assertThat(t.get("b1").snapshots()).isEqualTo(1);
      assertThat(t.get("b2").live()).isTrue();
      assertThat(t.get("b2").snapshots()).isEqualTo(1);
      assertThat(t.get("a1").snapshots()).isEqualTo(2); // its series continues across restart
      assertThat(t.get("a1").nextCapture()).isEqualTo(clock.instant().plus(Duration.ofMinutes(30)));
    }
  }

  @Test
  void twoJvmsOfOneEcsTaskAreCapturedAsTwoSeriesNamedByContainer() throws Exception {
    try (EcsStubAccess ecs = new EcsStubAccess();
        TaskJvm api = TaskJvm.task("shop1").targetApp(1, 100).start();
        TaskJvm worker = TaskJvm.task("shop1").targetApp(1, 100).start()) {
      Map<String, Integer> containers = new java.util.LinkedHashMap<>();
      containers.put("api", api.base().getPort());
      containers.put("worker", worker.base().getPort());
      ecs.taskWithContainers("prod", "shop1", "shop", containers);
      CollectorEngine engine =
          engine(
              new EcsDiscovery(ecs.client(), "prod", List.of("shop"), s -> 9091), TaskJvm.SECRET);

      engine.tick();

      Map<String, TaskStatus> t = tasks(engine);
      assertThat(t.keySet()).containsExactlyInAnyOrder("shop1.api", "shop1.worker");
      for (String id : List.of("shop1.api", "shop1.worker")) {
        assertThat(t.get(id).lastAttempt().outcome())
            .as(t.get(id).lastAttempt().message())
            .isEqualTo("stored");
        assertThat(t.get(id).lastCapture().key()).startsWith("heapdumps/prod/shop/" + id + "/");
      }
    }
  }

  @Test
  void s3RefusingWritesFailsTheRoundAndTheNextRoundStores() throws Exception {
    Discovery one = staticDiscovery(a1);
    CollectorEngine engine = engine(one, TaskJvm.SECRET);
    rig.refusing().refuse.set(true);
    try {
      engine.tick();
    } finally {
      rig.refusing().refuse.set(false);
    }
    TaskStatus failed = tasks(engine).get("a1");
    assertThat(failed.lastAttempt().outcome()).isEqualTo("storage_error");
    int before = failed.snapshots();
    assertThat(rig.client().listMultipartUploads(b -> b.bucket("heapfleet")).uploads()).isEmpty();

    engine.tick(); // backing off: nothing yet
    assertThat(captures("storage_error") + captures("stored")).isEqualTo(1);
    clock.advance(Duration.ofMinutes(1));
    engine.tick();
    TaskStatus ok = tasks(engine).get("a1");
    assertThat(ok.lastAttempt().outcome()).as(ok.lastAttempt().message()).isEqualTo("stored");
    assertThat(ok.snapshots()).isEqualTo(before + 1);
  }

  @Test
  void wrongSecretIsReportedAndRetriedOncePerIntervalNotInAStorm() throws Exception {
    try (EcsStubAccess ecs = new EcsStubAccess()) {
      // ECS discovery needs no secret, so the tasks are found; no task's proof checks out with
      // the collector's secret, so no capture sends a credential.
      Map<String, Integer> ports =
          Map.of("svc-a", a1.base().getPort(), "svc-b", b1.base().getPort());
      ecs.tasks("prod", Map.of("a1", "svc-a", "b1", "svc-b"));
      CollectorEngine engine =
          engine(
              new EcsDiscovery(ecs.client(), "prod", List.of("svc-a", "svc-b"), ports::get),
              "not-the-agents-secret-0123456789abcdef0123456789");
      // One simulated hour of 5-second ticks.
      for (int i = 0; i < 720; i++) {
        engine.tick();
        clock.advance(Duration.ofSeconds(5));
      }
      assertThat(captures("untrusted")).isEqualTo(4); // 2 tasks x (start, +30 min)
      assertThat(captures("stored")).isZero();
      TaskStatus a = tasks(engine).get("a1");
      assertThat(a.lastAttempt().outcome()).isEqualTo("untrusted");
      assertThat(a.lastAttempt().message()).contains("cannot prove").doesNotContain(TaskJvm.SECRET);
    }
  }

  @Test
  void loadBalancerDiscoveryFindsEveryTaskAndPinnedCapturesLandOrGiveUpBounded() throws Exception {
    try (RoundRobinTcpProxy lb = new RoundRobinTcpProxy(List.of(a1.base(), b1.base()))) {
      LoadBalancerDiscovery discovery =
          new LoadBalancerDiscovery(
              lb.uri(), probe(), 4, Duration.ofMinutes(10), clock, "lb", "orders");
      List<Target> found = discovery.discover();
      assertThat(found).extracting(Target::taskId).containsExactlyInAnyOrder("a1", "b1");
      assertThat(found).allMatch(Target::pinned).allMatch(t -> t.baseUri().equals(lb.uri()));

      DumpCapture capture = capture(TaskJvm.SECRET);
      for (Target t : found) {
        CaptureReport r = capture.capture(t);
        assertThat(r.outcome()).as(r.message()).isEqualTo(CaptureOutcome.STORED);
        assertThat(r.stored().orElseThrow().key().task().taskId()).isEqualTo(t.taskId());
      }
      // A task that has left the LB (b2 is not behind it) is never reached: bounded attempts.
      CaptureReport never = capture.capture(new Target("b2", "lb", "orders", lb.uri(), true));
      assertThat(never.outcome()).isEqualTo(CaptureOutcome.NOT_LANDED);
      assertThat(never.requests()).isEqualTo(5);
      assertThat(never.message()).contains("5 attempts").contains("a1").contains("b1");
    }
  }

  private static Discovery staticDiscovery(TaskJvm... jvms) {
    Map<java.net.URI, String> urls = new java.util.LinkedHashMap<>();
    for (TaskJvm j : jvms) {
      urls.put(j.base(), "svc-" + j.taskId());
    }
    return new io.heapfleet.collector.discovery.StaticDiscovery(urls, probe(), "test", "default");
  }

  /** The collector's probe: proof first, then the identity with the task's read-only token. */
  static IdentityProbe probe() {
    TaskCredentials c = TaskCredentials.of(Secret.of(TaskJvm.SECRET, false), "heapdump");
    return new ProvingIdentityProbe(HeapdumpClient.create(Duration.ofSeconds(5)), () -> c, 5);
  }
}
