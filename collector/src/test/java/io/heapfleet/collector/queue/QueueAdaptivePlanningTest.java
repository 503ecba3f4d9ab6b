package io.heapfleet.collector.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.collector.discovery.Target;
import io.heapfleet.collector.schedule.AdaptivePolicy;
import io.heapfleet.collector.schedule.CaptureScheduler;
import io.heapfleet.collector.schedule.TaskHistory;
import io.heapfleet.collector.stats.OldGenTrend;
import io.heapfleet.collector.stats.StatsSample;
import io.heapfleet.collector.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The queue planner with the adaptive policy, on ElasticMQ, the clock moved a minute per round: a
 * task is queued for its baseline, not while its old generation stays flat, and again once it grows
 * past the threshold after the minimum interval, in a new due slot (so neither SQS's deduplication
 * nor a worker's "slot already stored" check drops it), where the fixed interval would wait 30
 * minutes.
 */
class QueueAdaptivePlanningTest {
  static final long MB = 1_000_000;
  static final Duration MIN_INTERVAL = Duration.ofMinutes(10);
  static EmbeddedSqs sqs;

  @BeforeAll
  static void start() {
    sqs = new EmbeddedSqs();
  }

  @AfterAll
  static void stop() {
    if (sqs != null) {
      sqs.close();
    }
  }

  @Test
  void thePlannerQueuesWhatTheAdaptivePolicyFindsDue() {
    MutableClock clock = new MutableClock();
    Instant t0 = clock.instant();
    Target task = new Target("leak1", "test", "shop", URI.create("http://127.0.0.1:1/"), false);
    List<StatsSample> samples = new ArrayList<>();
    Instant[] lastStored = {null};
    CaptureScheduler scheduler =
        new CaptureScheduler(
            DueCaptures.unlimited(
                Duration.ofMinutes(30),
                Duration.ZERO,
                Duration.ofMinutes(1),
                Duration.ofMinutes(10)),
            new AdaptivePolicy(
                new AdaptivePolicy.Settings(
                    Duration.ofMinutes(1),
                    MIN_INTERVAL,
                    Duration.ofHours(6),
                    Duration.ofMinutes(30),
                    8 * MB,
                    0.05,
                    new OldGenTrend.Thresholds(Duration.ofMinutes(30), 5, 4 * MB, 0.02, 0.8))),
            (t, firstSeen, lastSuccess) -> {
              Optional<Instant> last = lastSuccess;
              if (lastStored[0] != null && (last.isEmpty() || lastStored[0].isAfter(last.get()))) {
                last = Optional.of(lastStored[0]);
              }
              return new TaskHistory(t.taskId(), firstSeen, last, true, samples, 100 * MB);
            },
            Duration.ofMinutes(1),
            clock,
            new SplittableRandom(1));
    CaptureQueue queue = new CaptureQueue(sqs.client(), sqs.createCaptureQueue("adaptive", 5), 1);
    QueuePlanner planner =
        new QueuePlanner(
            QueueScaleOutTest.fixed(List.of(task)),
            DueCaptures.of(scheduler),
            queue,
            null,
            MIN_INTERVAL,
            Duration.ofMinutes(1),
            clock);

    List<Integer> queuedAt = new ArrayList<>();
    List<Instant> slots = new ArrayList<>();
    long afterGc = 50 * MB;
    long majorGcs = 1;
    for (int m = 0; m <= 40; m++) {
      // From minute 15 young GCs promote 3 MB a minute of leak into the old generation and no full
      // GC runs, so the after-GC figure moves only when a dump's full GC refreshes it.
      long used = 50 * MB + Math.max(0, m - 15) * 3 * MB;
      samples.add(
          new StatsSample(clock.instant(), afterGc, used, 100 * MB, -1, m, m, used, majorGcs));
      planner.planRound();
      for (CaptureQueue.Received r : queue.receive(10, Duration.ZERO, Duration.ofSeconds(30))) {
        assertThat(r.message().target().taskId()).isEqualTo("leak1");
        queuedAt.add(m);
        slots.add(r.message().slot());
        queue.delete(r.receiptHandle());
        // A worker takes the dump within the minute: its full GC finds all of it alive.
        lastStored[0] = clock.instant();
        afterGc = used;
        majorGcs++;
      }
      clock.advance(Duration.ofMinutes(1));
    }
    // The baseline at minute 1; flat until 15; +9 MB (over 8 MB) at minute 18, past the minimum
    // interval; then again once the minimum interval after that is over and another 8 MB came.
    assertThat(queuedAt).containsExactly(1, 18, 28, 38);
    assertThat(slots).doesNotHaveDuplicates();
    assertThat(slots.get(0)).isEqualTo(slotOf(t0.plusSeconds(60)));
  }

  static Instant slotOf(Instant at) {
    long s = MIN_INTERVAL.toSeconds();
    return Instant.ofEpochSecond(Math.floorDiv(at.getEpochSecond(), s) * s);
  }
}
