package io.heapfleet.collector.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.auth.Compression;
import io.heapfleet.auth.HourlyToken;
import io.heapfleet.auth.Secret;
import io.heapfleet.auth.TaskCredentials;
import io.heapfleet.collector.capture.DumpCapture;
import io.heapfleet.collector.discovery.Discovery;
import io.heapfleet.collector.discovery.StaticDiscovery;
import io.heapfleet.collector.discovery.Target;
import io.heapfleet.collector.metrics.CollectorMetrics;
import io.heapfleet.collector.schedule.AdaptivePolicy;
import io.heapfleet.collector.schedule.CaptureScheduler;
import io.heapfleet.collector.state.FleetState;
import io.heapfleet.collector.state.TaskStatus;
import io.heapfleet.collector.stats.OldGenTrend;
import io.heapfleet.collector.stats.StatsClient;
import io.heapfleet.collector.stats.StatsPoller;
import io.heapfleet.collector.stats.StatsSample;
import io.heapfleet.collector.testing.MutableClock;
import io.heapfleet.collector.testing.TaskJvm;
import io.heapfleet.endpoint.client.HeapdumpClient;
import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.EmbeddedS3;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector loop with the adaptive policy and stats polling, against a real agent JVM that
 * serves {@code /heapdump/stats} and the in-process S3, the clock moved a minute per round: a task
 * whose old generation after GC stays flat gets its baseline dump and no other, and is {@code
 * stable} from its stats; a new collector over the same bucket continues its series and takes no
 * second baseline; a Serial-GC task that leaks steadily, whose after-GC figure no full GC
 * refreshes, is dumped again from the old generation in use, long before the maximum interval.
 */
class AdaptiveCaptureEngineTest {
  static final long MB = 1_000_000;
  @TempDir static java.nio.file.Path dir;
  static EmbeddedS3 s3;
  static DumpStore store;
  static TaskJvm quiet;
  static ExecutorService analysers = Executors.newCachedThreadPool();
  static ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  static ExecutorService statsWorkers = Executors.newFixedThreadPool(2);

  final MutableClock clock = new MutableClock();

  @BeforeAll
  static void start() throws Exception {
    s3 = EmbeddedS3.filesystem(dir.resolve("s3"), "heapfleet");
    store = DumpStore.create(s3.settings().withPrefix("heapdumps"));
    quiet = TaskJvm.task("quiet1").targetApp(1, 300).start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (quiet != null) {
      quiet.close();
    }
    store.close();
    s3.close();
    analysers.shutdownNow();
    timer.shutdownNow();
    statsWorkers.shutdownNow();
  }

  /** One collector instance: its own scheduler, state, poller and engine over the shared bucket. */
  final class Collector {
    final FleetState state = new FleetState();
    final StatsPoller stats;
    final CaptureScheduler scheduler;
    final CollectorEngine engine;
    final TaskJvm jvm;

    Collector() {
      this(quiet);
    }

    Collector(TaskJvm jvm) {
      this.jvm = jvm;
      TaskCredentials creds =
          TaskCredentials.of(Secret.of(TaskJvm.SECRET, false), HourlyToken.DEFAULT_SCOPE);
      HeapdumpClient client = HeapdumpClient.create(Duration.ofSeconds(5));
      stats =
          new StatsPoller(
              new StatsClient(
                  client, () -> creds, Duration.ofSeconds(5), Duration.ofHours(1), clock),
              store,
              statsWorkers,
              clock,
              // Polled by the test (one round a simulated minute), not by the engine's timer.
              new StatsPoller.Settings(Duration.ofDays(365), 2, 1440, Duration.ofMinutes(15)),
              StatsPoller.Listener.NONE);
      OldGenTrend.Thresholds verdict =
          new OldGenTrend.Thresholds(Duration.ofMinutes(5), 5, 4 * MB, 0.02, 0.8);
      scheduler =
          new CaptureScheduler(
              new CaptureScheduler.Settings(
                  Duration.ofMinutes(30),
                  Duration.ZERO,
                  2,
                  1,
                  Duration.ofMinutes(1),
                  Duration.ofMinutes(10)),
              new AdaptivePolicy(
                  new AdaptivePolicy.Settings(
                      Duration.ofMinutes(1),
                      Duration.ofMinutes(3),
                      Duration.ofHours(6),
                      Duration.ofMinutes(30),
                      8 * MB,
                      0.05,
                      verdict)),
              CollectorEngine.histories(state, stats),
              Duration.ofSeconds(30),
              clock,
              new SplittableRandom(1));
      Map<URI, String> urls = new LinkedHashMap<>();
      urls.put(jvm.base(), "shop");
      Discovery discovery =
          new StaticDiscovery(urls, CollectorEngineTest.probe(), "test", "default");
      DumpCapture capture =
          new DumpCapture(
              client,
              store,
              () -> creds,
              new DumpCapture.Settings(
                  Duration.ofMinutes(1),
                  Duration.ofSeconds(20),
                  true,
                  Compression.GZIP,
                  1 << 20,
                  5),
              clock,
              analysers,
              timer);
      engine =
          new CollectorEngine(
              discovery,
              scheduler,
              capture,
              new SeriesAnalysis(store, 48),
              state,
              new CollectorMetrics(new SimpleMeterRegistry()),
              new CollectorEngineTest.CallerRuns(),
              clock,
              Duration.ofMinutes(1),
              stats,
              verdict);
    }

    /** One simulated minute: a stats round over the live tasks, then the loop's tick. */
    void minute() {
      clock.advance(Duration.ofMinutes(1));
      stats.pollRound(live());
      engine.tick();
    }

    List<Target> live() {
      return List.of(new Target(jvm.taskId(), "test", "shop", jvm.base(), false));
    }

    TaskStatus task() {
      return engine.task(jvm.taskId()).orElseThrow();
    }
  }

  @Test
  void aFlatTaskIsStableFromItsStatsWithOneDumpAndARestartTakesNoSecondBaseline() {
    Collector first = new Collector();
    first.engine.tick(); // discovery; the stored history is not read yet: nothing is due
    assertThat(first.task().snapshots()).isZero();
    for (int m = 0; m < 12; m++) {
      first.minute();
    }
    TaskStatus t = first.task();
    assertThat(t.snapshots()).as(t.toString()).isEqualTo(1);
    assertThat(t.assessment()).as(t.reason()).isEqualTo("stable");
    assertThat(t.reason()).startsWith("from stats: old generation after GC flat over");
    assertThat(first.stats.series("quiet1").orElseThrow().size()).isEqualTo(12);
    first.stats.flush();

    // A new collector over the same bucket: the series and the baseline are known again.
    Collector second = new Collector();
    second.engine.restore();
    second.engine.tick();
    for (int m = 0; m < 5; m++) {
      second.minute();
    }
    TaskStatus again = second.task();
    assertThat(again.snapshots()).as(again.toString()).isEqualTo(1);
    assertThat(second.stats.series("quiet1").orElseThrow().size()).isEqualTo(17);
    assertThat(again.assessment()).isEqualTo("stable");
  }

  @Test
  void aSerialGcLeakThatNoFullGcShowsIsDumpedAgainFromTheOldGenInUse() throws Exception {
    // 2 MiB/s retained for 20 s into a 128 MiB heap whose old generation (~120 MiB) never fills:
    // a small young generation promotes the leak within seconds, and no full GC runs after the
    // baseline dump's, so the after-GC figure stays where that dump left it.
    try (TaskJvm leak =
        TaskJvm.task("leak1")
            .heap("128m")
            .env("JAVA_TOOL_OPTIONS", "-Xmn8m")
            .env("LEAK_MODE", "leak")
            .env("LEAK_RATE_KB", "512")
            .env("LEAK_INTERVAL_MS", "250")
            .env("LEAK_MAX_MB", "40")
            .leakyApp()
            .start()) {
      Collector c = new Collector(leak);
      c.engine.tick();
      // A simulated minute per round, with real time between rounds for the leak to grow; bounded
      // far below the 6 h maximum interval.
      int minutes = 0;
      while (c.state.snapshots("leak1").size() < 2 && minutes < 60) {
        c.minute();
        minutes++;
        Thread.sleep(500);
      }
      List<TaskStatus.Snapshot> dumps = c.state.snapshots("leak1");
      assertThat(dumps).as("%s%n%s", c.task(), leak.stderr()).hasSizeGreaterThanOrEqualTo(2);
      java.time.Instant first = dumps.get(0).time();
      java.time.Instant second = dumps.get(1).time();
      // Dumped again once the 3-minute minimum interval was over, not at the 6 h maximum one ...
      assertThat(Duration.between(first, second))
          .isGreaterThanOrEqualTo(Duration.ofMinutes(3))
          .isLessThan(Duration.ofMinutes(60));
      // ... while the after-GC figure said nothing: no old-generation GC between the two dumps
      // (the figure and the major count stayed), only the old generation in use grew.
      List<StatsSample> between =
          c.stats.series("leak1").orElseThrow().samples().stream()
              .filter(x -> x.time().isAfter(first) && !x.time().isAfter(second))
              .toList();
      assertThat(between).isNotEmpty();
      StatsSample afterFirst = between.get(0);
      StatsSample atSecond = between.get(between.size() - 1);
      assertThat(between)
          .allSatisfy(
              x -> {
                assertThat(x.oldGenAfterGc()).isEqualTo(afterFirst.oldGenAfterGc());
                assertThat(x.majorGcCount()).isEqualTo(afterFirst.majorGcCount());
              });
      assertThat(atSecond.oldGenUsed() - afterFirst.oldGenAfterGc()).isGreaterThanOrEqualTo(8 * MB);
      List<StatsSample> samples = c.stats.series("leak1").orElseThrow().samples();
      StatsSample newest = samples.get(samples.size() - 1);
      assertThat(newest.oldGenUsed()).isPositive();
      assertThat(newest.majorGcCount()).isPositive();
    }
  }
}
