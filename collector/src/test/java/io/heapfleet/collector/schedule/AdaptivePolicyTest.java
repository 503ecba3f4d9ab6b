package io.heapfleet.collector.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heapfleet.collector.stats.OldGenTrend;
import io.heapfleet.collector.stats.StatsSample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;

/** The adaptive policy's rules, one at a time, on stats series laid out minute by minute. */
class AdaptivePolicyTest {
  static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
  static final long MB = 1_000_000;
  static final AdaptivePolicy POLICY =
      new AdaptivePolicy(
          new AdaptivePolicy.Settings(
              Duration.ofMinutes(1),
              Duration.ofMinutes(10),
              Duration.ofHours(6),
              Duration.ofMinutes(30),
              32 * MB,
              0.05,
              new OldGenTrend.Thresholds(Duration.ofMinutes(30), 5, 4 * MB, 0.02, 0.8)));

  static Instant at(int minute) {
    return T0.plusSeconds(60L * minute);
  }

  static List<StatsSample> minutes(int from, int to, IntToLongFunction oldGen) {
    List<StatsSample> out = new ArrayList<>();
    for (int m = from; m <= to; m++) {
      out.add(new StatsSample(at(m), oldGen.applyAsLong(m), 500 * MB, 400 * MB, -1, m, m));
    }
    return out;
  }

  static TaskHistory history(Integer lastDumpMinute, List<StatsSample> samples) {
    return new TaskHistory(
        "t1",
        T0,
        Optional.ofNullable(lastDumpMinute).map(AdaptivePolicyTest::at),
        true,
        samples,
        400 * MB);
  }

  @Test
  void takesABaselineEarlyInTheTasksLifeButNotBeforeItsHistoryIsKnown() {
    assertThat(POLICY.due(at(0), history(null, List.of())).due()).isFalse();
    assertThat(POLICY.due(at(1), history(null, List.of())))
        .isEqualTo(CapturePolicy.Decision.due("baseline"));
    TaskHistory unknown = new TaskHistory("t1", T0, Optional.empty(), false, List.of(), -1);
    assertThat(POLICY.due(at(60), unknown).due()).isFalse();
  }

  @Test
  void aFlatTaskIsDumpedOnlyAtTheMaximumInterval() {
    List<StatsSample> flat = minutes(0, 400, m -> 100 * MB + (m % 2) * MB);
    for (int m = 2; m < 360; m++) {
      assertThat(POLICY.due(at(m), history(1, flat)).due()).as("minute %d", m).isFalse();
    }
    assertThat(POLICY.due(at(361), history(1, flat)))
        .isEqualTo(CapturePolicy.Decision.due("maximum interval"));
  }

  @Test
  void growthSinceTheLastDumpTriggersAfterTheMinimumInterval() {
    // 100 MB at the dump (minute 1), then +8 MB a minute: 32 MB (the floor; 5% of 400 MB is 20 MB)
    // is reached at minute 5, but the minimum interval holds it to minute 11.
    List<StatsSample> s = minutes(0, 30, m -> 100 * MB + Math.max(0, m - 1) * 8 * MB);
    assertThat(POLICY.due(at(10), history(1, s.subList(0, 11))).due()).isFalse();
    CapturePolicy.Decision d = POLICY.due(at(11), history(1, s.subList(0, 12)));
    assertThat(d.due()).isTrue();
    assertThat(d.reason()).startsWith("old gen after GC +80.0 MB since the last dump");
  }

  @Test
  void aSlowSteadyRiseTriggersOnceTheWindowSinceTheLastDumpShowsIt() {
    // +0.5 MB a minute: 15 MB in 30 minutes, under the 32 MB threshold, but steady.
    List<StatsSample> s = minutes(0, 40, m -> 100 * MB + m * MB / 2);
    assertThat(POLICY.due(at(29), history(1, s.subList(0, 30))).due()).isFalse();
    CapturePolicy.Decision d = POLICY.due(at(31), history(1, s.subList(0, 32)));
    assertThat(d.due()).isTrue();
    assertThat(d.reason()).startsWith("old gen after GC rises steadily: +30.0 MB/hour");
  }

  @Test
  void withoutStatsItFallsBackToTheFixedInterval() {
    assertThat(POLICY.due(at(30), history(1, List.of())).due()).isFalse();
    assertThat(POLICY.due(at(31), history(1, List.of())))
        .isEqualTo(CapturePolicy.Decision.due("no stats: fallback interval"));
  }

  @Test
  void settingsAreCheckedAtTheDoor() {
    assertThatThrownBy(
            () ->
                new AdaptivePolicy.Settings(
                    Duration.ZERO,
                    Duration.ofHours(2),
                    Duration.ofHours(1),
                    Duration.ofMinutes(30),
                    1,
                    0,
                    POLICY.settings().trend()))
        .hasMessageContaining("maxInterval (PT1H) must be >= minInterval (PT2H)");
  }
}
