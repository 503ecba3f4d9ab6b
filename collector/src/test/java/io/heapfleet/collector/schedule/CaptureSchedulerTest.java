package io.heapfleet.collector.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heapfleet.collector.discovery.Target;
import io.heapfleet.collector.schedule.CaptureScheduler.Outcome;
import io.heapfleet.collector.schedule.CaptureScheduler.Request;
import io.heapfleet.collector.schedule.CaptureScheduler.Settings;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CaptureSchedulerTest {
  /** A clock the test moves forward. */
  static final class TestClock extends Clock {
    Instant now = Instant.parse("2026-11-22T01:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  private final TestClock clock = new TestClock();
  private final Settings settings =
      new Settings(
          Duration.ofMinutes(30),
          Duration.ofMinutes(2),
          2,
          1,
          Duration.ofMinutes(1),
          Duration.ofMinutes(16));

  private CaptureScheduler scheduler() {
    return new CaptureScheduler(settings, clock, new SplittableRandom(42));
  }

  static Target target(String id, String service) {
    return new Target(id, "prod", service, URI.create("http://10.0.0.1:9091"), false);
  }

  @Test
  void eachLiveTaskOncePerIntervalWithAtMostOnePerServiceAndTwoOverall() {
    CaptureScheduler s = scheduler();
    s.updateTargets(
        List.of(target("a1", "a"), target("a2", "a"), target("b1", "b"), target("c1", "c")));
    clock.advance(Duration.ofMinutes(2)); // past the jitter window: all due

    List<Target> first = s.takeDue();
    assertThat(first).hasSize(2);
    assertThat(first).extracting(Target::service).doesNotHaveDuplicates();
    assertThat(s.takeDue()).isEmpty(); // both slots taken

    List<String> captured = new ArrayList<>();
    for (int round = 0; round < 10 && captured.size() < 4; round++) {
      for (Target t : s.runningTargets()) {
        captured.add(t.taskId());
        s.finished(t.taskId(), new Outcome.Success());
      }
      s.takeDue();
    }
    assertThat(captured).containsExactlyInAnyOrder("a1", "a2", "b1", "c1");

    // Nothing again until the interval has passed.
    clock.advance(Duration.ofMinutes(29));
    assertThat(s.takeDue()).isEmpty();
    clock.advance(Duration.ofMinutes(3)); // interval + max jitter
    assertThat(s.takeDue()).hasSize(2);
  }

  @Test
  void newTaskIsDueWithinJitterAndRemovedTaskEndsItsSeries() {
    CaptureScheduler s = scheduler();
    var changes = s.updateTargets(List.of(target("t1", "a")));
    assertThat(changes.added()).extracting(Target::taskId).containsExactly("t1");
    assertThat(s.schedule("t1").orElseThrow().nextDue())
        .isBetween(clock.now, clock.now.plus(Duration.ofMinutes(2)));

    changes = s.updateTargets(List.of(target("t2", "a")));
    assertThat(changes.removed()).extracting(Target::taskId).containsExactly("t1");
    assertThat(changes.added()).extracting(Target::taskId).containsExactly("t2");
    assertThat(s.liveTaskIds()).containsExactly("t2");
    assertThat(s.requestNow("t1")).isEqualTo(Request.UNKNOWN_TASK);
  }

  @Test
  void departedTaskStillRunningHoldsItsServiceSlotUntilFinished() {
    CaptureScheduler s = scheduler();
    s.updateTargets(List.of(target("old", "a")));
    clock.advance(Duration.ofMinutes(3));
    assertThat(s.takeDue()).extracting(Target::taskId).containsExactly("old");

    s.updateTargets(List.of(target("new", "a")));
    s.requestNow("new");
    assertThat(s.takeDue()).isEmpty(); // service a still has a dump running
    s.finished("old", new Outcome.Failure(Optional.empty()));
    assertThat(s.takeDue()).extracting(Target::taskId).containsExactly("new");
  }

  @Test
  void failuresBackOffExponentiallyWithJitterCappedAtMax() {
    CaptureScheduler s = scheduler();
    s.updateTargets(List.of(target("t1", "a")));
    clock.advance(Duration.ofMinutes(3));
    List<Duration> delays = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      assertThat(s.takeDue()).hasSize(1);
      Instant failedAt = clock.now;
      s.finished("t1", new Outcome.Failure(Optional.empty()));
      Duration delay = Duration.between(failedAt, s.schedule("t1").orElseThrow().nextDue());
      delays.add(delay);
      assertThat(s.takeDue()).isEmpty(); // never immediately
      clock.advance(delay);
    }
    // nominal 1, 2, 4, 8, 16, 16, 16 minutes; each jittered into [nominal/2, nominal]
    long[] nominal = {1, 2, 4, 8, 16, 16, 16};
    for (int i = 0; i < nominal.length; i++) {
      assertThat(delays.get(i))
          .isBetween(Duration.ofSeconds(nominal[i] * 30), Duration.ofMinutes(nominal[i]));
    }
    // success resets the backoff
    s.takeDue();
    s.finished("t1", new Outcome.Success());
    assertThat(s.schedule("t1").orElseThrow().consecutiveFailures()).isZero();
  }

  @Test
  void retryAfterFrom429IsRespected() {
    CaptureScheduler s = scheduler();
    s.updateTargets(List.of(target("t1", "a")));
    clock.advance(Duration.ofMinutes(3));
    s.takeDue();
    s.finished("t1", new Outcome.Failure(Optional.of(Duration.ofMinutes(10))));
    clock.advance(Duration.ofMinutes(9));
    assertThat(s.takeDue()).isEmpty();
    clock.advance(Duration.ofMinutes(1));
    assertThat(s.takeDue()).hasSize(1);
  }

  @Test
  void unauthorizedIsRetriedOnlyNextInterval() {
    CaptureScheduler s = scheduler();
    s.updateTargets(List.of(target("t1", "a")));
    clock.advance(Duration.ofMinutes(3));
    int attempts = 0;
    // Two hours of ticks every 5 seconds: a wrong token must not cause more than one attempt per
    // interval.
    for (int tick = 0; tick < 2 * 60 * 12; tick++) {
      for (Target t : s.takeDue()) {
        attempts++;
        s.finished(t.taskId(), new Outcome.Unauthorized());
      }
      clock.advance(Duration.ofSeconds(5));
    }
    assertThat(attempts).isBetween(4, 5);
  }

  @Test
  void onDemandJumpsTheQueueButRespectsLimits() {
    CaptureScheduler s = scheduler();
    s.updateTargets(List.of(target("a1", "a"), target("a2", "a"), target("b1", "b")));
    clock.advance(Duration.ofMinutes(3));
    List<Target> first = s.takeDue();
    assertThat(first).extracting(Target::service).containsExactlyInAnyOrder("a", "b");
    String runningA =
        first.stream().filter(t -> t.service().equals("a")).findFirst().orElseThrow().taskId();
    String waitingA = runningA.equals("a1") ? "a2" : "a1";
    assertThat(s.requestNow(runningA)).isEqualTo(Request.ALREADY_RUNNING);
    s.finished(runningA, new Outcome.Success());
    s.finished("b1", new Outcome.Success());
    assertThat(s.requestNow("b1")).isEqualTo(Request.QUEUED);
    // b1 (on demand) first, then the overdue task of service a
    assertThat(s.takeDue()).extracting(Target::taskId).containsExactly("b1", waitingA);
  }

  @Test
  void settingsAreCheckedWithTheValueInTheMessage() {
    assertThatThrownBy(
            () ->
                new Settings(
                    Duration.ofMinutes(30),
                    Duration.ZERO,
                    0,
                    1,
                    Duration.ofMinutes(1),
                    Duration.ofMinutes(1)))
        .hasMessage("parallelism must be >= 1, got 0");
    assertThatThrownBy(
            () ->
                new Settings(
                    Duration.ZERO,
                    Duration.ZERO,
                    1,
                    1,
                    Duration.ofMinutes(1),
                    Duration.ofMinutes(1)))
        .hasMessageContaining("interval must be positive, got PT0S");
  }

  @Test
  void aProbeIsHandedToTheHistorySourceAndTheTaskIsLookedAtAgainSoonAndNotBeforeItCanChange() {
    List<String> probed = new ArrayList<>();
    List<Instant> asked = new ArrayList<>();
    CapturePolicy policy =
        new CapturePolicy() {
          @Override
          public Decision due(Instant now, TaskHistory history) {
            asked.add(now);
            return switch (asked.size()) {
              case 1 -> Decision.probe("promoted since the last collection");
              case 2 -> Decision.notDueUntil("minimum interval not over", now.plusSeconds(3));
              default -> Decision.due("old gen after GC grew");
            };
          }

          @Override
          public String name() {
            return "test";
          }
        };
    CaptureScheduler.HistorySource histories =
        new CaptureScheduler.HistorySource() {
          @Override
          public TaskHistory history(Target t, Instant firstSeen, Optional<Instant> last) {
            return new TaskHistory(t.taskId(), firstSeen, last, true, List.of(), -1);
          }

          @Override
          public void probe(Target t) {
            probed.add(t.taskId());
          }
        };
    CaptureScheduler s =
        new CaptureScheduler(
            settings, policy, histories, Duration.ofMinutes(5), clock, new SplittableRandom(42));
    s.updateTargets(List.of(target("a", "svc")));
    clock.advance(Duration.ofMinutes(3)); // past any jitter
    assertThat(s.takeDue()).isEmpty();
    assertThat(probed).containsExactly("a");
    clock.advance(Duration.ofSeconds(1)); // a probe's answer is looked at after a second
    assertThat(s.takeDue()).isEmpty();
    assertThat(asked).hasSize(2);
    clock.advance(Duration.ofSeconds(2)); // not before the decision said it could change
    assertThat(s.takeDue()).isEmpty();
    assertThat(asked).hasSize(2);
    clock.advance(Duration.ofSeconds(1)); // then, instead of after the 5-minute recheck
    assertThat(s.takeDue()).extracting(Target::taskId).containsExactly("a");
    assertThat(s.lastReason("a")).isEqualTo("old gen after GC grew");
  }
}
