package io.heapfleet.collector.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.trend.Assessment;
import io.heapfleet.auth.Secret;
import io.heapfleet.auth.TaskCredentials;
import io.heapfleet.collector.discovery.Target;
import io.heapfleet.collector.schedule.AdaptivePolicy;
import io.heapfleet.collector.schedule.CapturePolicy;
import io.heapfleet.collector.schedule.TaskHistory;
import io.heapfleet.collector.testing.MutableClock;
import io.heapfleet.collector.testing.TaskNode;
import io.heapfleet.endpoint.client.HeapdumpClient;
import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.EmbeddedS3;
import io.heapfleet.storage.TaskArtifact;
import io.heapfleet.storage.TaskRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Stats polling over real HTTP against real Node.js processes running the Node agent, with the
 * in-process S3: the proof before any credential, samples of a task that retains memory and of one
 * that makes only garbage, the adaptive policy's decisions on them, and the series surviving a new
 * collector instance over the same bucket. The clock moves one minute per round (the processes run
 * in real time), so a few seconds of real polling make an hour-like series.
 */
class StatsPollingTest {
  private static final String SECRET = "correct-horse-battery-staple-0123456789";
  private static final long MB = 1_000_000;

  // Retains ~400 KB of small objects every 100 ms (old space after GC rises steadily) and runs a
  // major GC every 200 ms so that old-gen-after-GC is sampled often.
  private static final String GROWING =
      "globalThis.kept = [];"
          + " setInterval(() => { const a = []; for (let i = 0; i < 10000; i++) a.push({ i, s: 'k' + i });"
          + " globalThis.kept.push(a); }, 100);"
          + " setInterval(() => gc(), 200);";
  // Short-lived garbage only, and the same major GCs.
  private static final String FLAT =
      "globalThis.kept = Array.from({ length: 20000 }, (_, i) => ({ i }));"
          + " setInterval(() => { const a = []; for (let i = 0; i < 10000; i++) a.push({ i, s: 'g' + i }); }, 100);"
          + " setInterval(() => gc(), 200);";

  private static TaskNode growing;
  private static TaskNode flat;
  private EmbeddedS3 s3;
  private DumpStore store;
  private ExecutorService workers;
  private final MutableClock clock = new MutableClock();

  @BeforeAll
  static void startTasks() throws Exception {
    growing = TaskNode.script("grow-1", SECRET, GROWING);
    flat = TaskNode.script("flat-1", SECRET, FLAT);
  }

  @AfterAll
  static void stopTasks() throws Exception {
    if (growing != null) {
      growing.close();
    }
    if (flat != null) {
      flat.close();
    }
  }

  @BeforeEach
  void startS3() {
    s3 = EmbeddedS3.inMemory("heapfleet");
    store = DumpStore.create(s3.settings().withPrefix("heapdumps"));
    workers = Executors.newFixedThreadPool(4);
  }

  @AfterEach
  void stopS3() {
    workers.shutdownNow();
    store.close();
    s3.close();
  }

  private static Target target(String id, TaskNode t) {
    return new Target(id, "demo", "shop", t.base(), false);
  }

  private StatsPoller poller(String secret, Duration persistEvery, CountingListener listener) {
    StatsClient client =
        new StatsClient(
            HeapdumpClient.create(),
            () -> TaskCredentials.of(Secret.of(secret, false), "heapdump"),
            Duration.ofSeconds(5),
            Duration.ofHours(1),
            clock);
    return new StatsPoller(
        client,
        store,
        workers,
        clock,
        new StatsPoller.Settings(Duration.ofMinutes(1), 4, 1440, persistEvery),
        listener);
  }

  /** Counts outcomes and S3 writes. */
  static final class CountingListener implements StatsPoller.Listener {
    final List<StatsClient.Outcome> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();
    final AtomicInteger writes = new AtomicInteger();

    @Override
    public void polled(Target target, StatsClient.Result result) {
      outcomes.add(result.outcome());
    }

    @Override
    public void persisted(boolean ok) {
      if (ok) {
        writes.incrementAndGet();
      }
    }
  }

  /** Polls {@code rounds} rounds, one simulated minute apart, ~250 ms of real time apart. */
  private void rounds(StatsPoller p, List<Target> targets, int rounds) throws Exception {
    for (int i = 0; i < rounds; i++) {
      p.pollRound(targets);
      clock.advance(Duration.ofMinutes(1));
      Thread.sleep(250); // real time for the processes to allocate and collect
    }
  }

  @Test
  void policyAndVerdictOnRealStatsTellTheGrowingTaskFromTheFlatOne() throws Exception {
    CountingListener counts = new CountingListener();
    StatsPoller p = poller(SECRET, Duration.ofMinutes(15), counts);
    Target grow = target("grow-1", growing);
    Target still = target("flat-1", flat);
    List<Target> both = List.of(grow, still);
    rounds(p, both, 3);
    Instant baseline = clock.instant();
    p.dumpStored("grow-1", baseline);
    p.dumpStored("flat-1", baseline);
    rounds(p, both, 36);

    assertThat(counts.outcomes).hasSize(78).containsOnly(StatsClient.Outcome.OK);
    // 78 polls: 2 stored on the dumps, then one per task per 15 simulated minutes.
    assertThat(counts.writes.get()).isBetween(4, 8);
    StatsSeries g = p.series("grow-1").orElseThrow();
    StatsSeries f = p.series("flat-1").orElseThrow();
    assertThat(g.size()).isEqualTo(39);
    assertThat(g.latest().orElseThrow().oldGenAfterGc()).isPositive();

    OldGenTrend.Thresholds verdict =
        new OldGenTrend.Thresholds(Duration.ofMinutes(30), 5, 4 * MB, 0, 0.8);
    Instant now = clock.instant();
    assertThat(OldGenTrend.of(g.samples(), g.heapMax(), now, verdict))
        .get()
        .extracting(OldGenTrend::assessment)
        .isEqualTo(Assessment.LEAKING);
    assertThat(OldGenTrend.of(f.samples(), f.heapMax(), now, verdict))
        .get()
        .extracting(OldGenTrend::assessment)
        .isEqualTo(Assessment.STABLE);

    AdaptivePolicy policy =
        new AdaptivePolicy(
            new AdaptivePolicy.Settings(
                Duration.ofMinutes(1),
                Duration.ofMinutes(10),
                Duration.ofHours(6),
                Duration.ofMinutes(30),
                8 * MB,
                0,
                verdict));
    CapturePolicy.Decision growDecision = policy.due(now, history(p, grow, baseline));
    CapturePolicy.Decision flatDecision = policy.due(now, history(p, still, baseline));
    assertThat(growDecision.due()).as(growDecision.reason()).isTrue();
    assertThat(growDecision.reason()).startsWith("old gen after GC +");
    assertThat(flatDecision.due()).as(flatDecision.reason()).isFalse();
  }

  private static TaskHistory history(StatsPoller p, Target t, Instant lastDump) {
    StatsSeries s = p.series(t.taskId()).orElseThrow();
    return new TaskHistory(
        t.taskId(),
        lastDump.minus(Duration.ofMinutes(3)),
        s.lastDump(),
        p.ready(t.taskId()),
        s.samples(),
        s.heapMax());
  }

  @Test
  void theSeriesAndTheLastDumpSurviveANewCollectorOverTheSameBucket() throws Exception {
    Target still = target("flat-1", flat);
    StatsPoller first = poller(SECRET, Duration.ofMinutes(5), new CountingListener());
    rounds(first, List.of(still), 4);
    Instant dumpAt = clock.instant();
    first.dumpStored("flat-1", dumpAt); // written at once
    rounds(first, List.of(still), 3); // not written yet: persisted every 5 minutes
    first.flush(); // shutdown
    List<StatsSample> before = new ArrayList<>(first.series("flat-1").orElseThrow().samples());
    assertThat(store.readArtifact(new TaskRef("demo", "shop", "flat-1"), TaskArtifact.STATS_JSON))
        .isPresent();

    StatsPoller second = poller(SECRET, Duration.ofMinutes(5), new CountingListener());
    assertThat(second.ready("flat-1")).isFalse();
    rounds(second, List.of(still), 1);

    assertThat(second.ready("flat-1")).isTrue();
    StatsSeries resumed = second.series("flat-1").orElseThrow();
    assertThat(resumed.lastDump()).contains(dumpAt);
    assertThat(resumed.samples()).hasSize(before.size() + 1);
    assertThat(resumed.samples().subList(0, before.size())).isEqualTo(before);
  }

  @Test
  void anEndpointThatCannotProveItselfIsSentNoCredentialAndGivesNoSample() throws Exception {
    CountingListener counts = new CountingListener();
    StatsPoller p =
        poller("another-secret-of-sufficient-length-0123", Duration.ofMinutes(5), counts);
    rounds(p, List.of(target("flat-1", flat)), 2);
    assertThat(counts.outcomes)
        .containsExactly(StatsClient.Outcome.UNTRUSTED, StatsClient.Outcome.UNTRUSTED);
    assertThat(p.series("flat-1").orElseThrow().size()).isZero();
  }

  @Test
  void aTaskIdThatIsNotTheOneAtTheAddressIsMisdirected() throws Exception {
    CountingListener counts = new CountingListener();
    StatsPoller p = poller(SECRET, Duration.ofMinutes(5), counts);
    rounds(p, List.of(target("someone-else", flat)), 1);
    assertThat(counts.outcomes).hasSize(1).doesNotContain(StatsClient.Outcome.OK);
    assertThat(Optional.ofNullable(p.series("someone-else").orElseThrow().latest().orElse(null)))
        .isEmpty();
  }
}
