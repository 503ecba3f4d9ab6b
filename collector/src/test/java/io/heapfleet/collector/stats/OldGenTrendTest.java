package io.heapfleet.collector.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.trend.Assessment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;

/** The stats verdict over old gen after GC: flat, steady rise, unsteady rise, too little data. */
class OldGenTrendTest {
  static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
  static final long MB = 1_000_000;
  static final OldGenTrend.Thresholds THRESHOLDS =
      new OldGenTrend.Thresholds(Duration.ofMinutes(30), 5, 4 * 1024 * 1024, 0.02, 0.8);

  /** One sample a minute for {@code minutes} minutes, old gen after GC as given. */
  static List<StatsSample> minutes(int minutes, IntToLongFunction oldGen) {
    List<StatsSample> out = new ArrayList<>();
    for (int m = 0; m <= minutes; m++) {
      out.add(
          new StatsSample(
              T0.plusSeconds(60L * m), oldGen.applyAsLong(m), 900 * MB, 1024 * MB, -1, m, m));
    }
    return out;
  }

  static Instant at(int minute) {
    return T0.plusSeconds(60L * minute);
  }

  @Test
  void aFlatOldGenerationIsStable() {
    // +-1 MB of noise around 300 MB: no trend at all.
    var t =
        OldGenTrend.of(minutes(40, m -> 300 * MB + (m % 2) * MB), 1024 * MB, at(40), THRESHOLDS);
    assertThat(t).get().extracting(OldGenTrend::assessment).isEqualTo(Assessment.STABLE);
    assertThat(t.get().reason()).startsWith("old generation after GC flat over 30 min");
  }

  @Test
  void aSteadyRiseIsALeakWithItsSlope() {
    var t = OldGenTrend.of(minutes(40, m -> 300 * MB + m * MB), 1024 * MB, at(40), THRESHOLDS);
    assertThat(t).get().extracting(OldGenTrend::assessment).isEqualTo(Assessment.LEAKING);
    assertThat(t.get().bytesPerHour()).isBetween(59.9 * MB, 60.1 * MB);
    assertThat(t.get().r2()).isGreaterThan(0.99);
  }

  @Test
  void aRiseThatJumpsAroundIsInconclusive() {
    // Rises ~30 MB over the window (above the 20 MB band), but with +-40 MB swings.
    var t =
        OldGenTrend.of(
            minutes(40, m -> 300 * MB + m * MB + (m % 3 == 0 ? 40 * MB : -40 * MB)),
            1024 * MB,
            at(40),
            THRESHOLDS);
    assertThat(t).get().extracting(OldGenTrend::assessment).isEqualTo(Assessment.INCONCLUSIVE);
  }

  @Test
  void aWindowNotYetCoveredGivesNoVerdict() {
    assertThat(OldGenTrend.of(minutes(10, m -> 300 * MB), 1024 * MB, at(10), THRESHOLDS)).isEmpty();
    // Samples without an old-gen figure (no major GC yet) do not count.
    assertThat(OldGenTrend.of(minutes(40, m -> -1), 1024 * MB, at(40), THRESHOLDS)).isEmpty();
  }

  @Test
  void aCacheThatFilledAndStoppedIsStableOnceTheWindowIsPastTheFill() {
    // Fills 10 MB/min for 20 minutes, then flat for 40.
    var samples = minutes(60, m -> 100 * MB + Math.min(m, 20) * 10 * MB);
    assertThat(OldGenTrend.of(samples, 1024 * MB, at(25), THRESHOLDS))
        .get()
        .extracting(OldGenTrend::assessment)
        .isNotEqualTo(Assessment.STABLE);
    assertThat(OldGenTrend.of(samples, 1024 * MB, at(60), THRESHOLDS))
        .get()
        .extracting(OldGenTrend::assessment)
        .isEqualTo(Assessment.STABLE);
  }
}
