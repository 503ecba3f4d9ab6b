package io.heapfleet.collector.service;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.heapfleet.collector.testing.MutableClock;
import io.heapfleet.collector.testing.TaskJvm;
import io.heapfleet.endpoint.DumpFormat;
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
 * second baseline.
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
    final CollectorEngine engine;

    Collector() {
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
      CaptureScheduler scheduler =
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
      urls.put(quiet.base(), "shop");
      Discovery discovery =
          new StaticDiscovery(urls, CollectorEngineTest.probe(), "test", "default");
      DumpCapture capture =
          new DumpCapture(
              client,
              store,
              () -> creds,
              new DumpCapture.Settings(
                  Duration.ofMinutes(1), Duration.ofSeconds(20), true, DumpFormat.GZIP, 1 << 20, 5),
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
      return List.of(new Target("quiet1", "test", "shop", quiet.base(), false));
    }

    TaskStatus task() {
      return engine.task("quiet1").orElseThrow();
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
}
