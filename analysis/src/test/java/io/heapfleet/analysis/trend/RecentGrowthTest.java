package io.heapfleet.analysis.trend;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Where a plateau starts, on heap totals: the series measured in a {@code heapfleet demo} run
 * (05:23 UTC, task {@code orders-2}, {@code LEAK_MODE=plateau}, dumps about 17 s apart), and shapes
 * that must not pass for warm-up. {@link TrendFromRealJvmsTest} covers the same on real dumps.
 */
class RecentGrowthTest {
  private static final Instant T0 = Instant.parse("2026-11-22T05:23:48Z");

  private static List<Snapshot> series(long... bytes) {
    List<Snapshot> s = new ArrayList<>();
    for (int i = 0; i < bytes.length; i++) {
      s.add(new Snapshot(T0.plusSeconds(17L * i), bytes[i], 60_000));
    }
    return s;
  }

  @Test
  void demoCacheThatFilledThenWobblesIsFlatFromTheThirdDump() {
    List<Snapshot> demo =
        series(14_177_344, 24_215_432, 25_494_096, 19_444_072, 23_904_424, 23_905_064);
    assertThat(RecentGrowth.plateauStart(Assessment.STABLE, demo)).isEqualTo(2);
    TrendResult t = new TrendResult(Assessment.STABLE, "r", 242e6, 0.2, demo, List.of());
    assertThat(t.flatSince()).contains(demo.get(2).timestamp());
    assertThat(t.warmUpBytes()).isEqualTo(25_494_096 - 14_177_344);
    // Over the plateau the heap does not grow (the later-half slope alone said +476 MiB/h).
    assertThat(t.recentHeapBytesPerHour()).isLessThan(0);
  }

  @Test
  void secondDemoRunCacheIsFlatAndTheQuietTaskHasNoWarmUp() {
    // 05:35 UTC run: orders-2 (plateau) and orders-3 (quiet, "fluctuation" in its reason).
    List<Snapshot> cache =
        series(11_029_216, 20_543_664, 25_529_344, 19_445_104, 20_495_224, 21_807_328);
    assertThat(RecentGrowth.plateauStart(Assessment.STABLE, cache)).isEqualTo(2);
    TrendResult t = new TrendResult(Assessment.STABLE, "r", 294e6, 0.2, cache, List.of());
    assertThat(RecentGrowthText.of(t))
        .isEqualTo(
            "All of it during warm-up: the heap grew by 13.8 MiB, then stayed within 18.5 MiB –"
                + " 24.3 MiB: flat since 2026-11-22T05:24:22Z (4 dumps).");
    List<Snapshot> quiet = series(2_629_104, 2_681_104, 2_714_224, 2_650_312, 2_681_680, 2_712_832);
    assertThat(RecentGrowth.plateauStart(Assessment.STABLE, quiet)).isEqualTo(-1);
    assertThat(
            RecentGrowthText.of(
                new TrendResult(Assessment.STABLE, "r", 2e6, 0.2, quiet, List.of())))
        .startsWith("Lately: ");
  }

  @Test
  void fluctuationSteadyGrowthAndLeaksAreNoPlateau() {
    long mb = 1_048_576;
    List<Snapshot> noise = series(10 * mb, 12 * mb, 9 * mb, 11 * mb, 10 * mb, 21 * mb / 2);
    assertThat(RecentGrowth.plateauStart(Assessment.STABLE, noise)).isEqualTo(-1);
    List<Snapshot> growing = series(10 * mb, 11 * mb, 12 * mb, 13 * mb, 14 * mb, 15 * mb);
    assertThat(RecentGrowth.plateauStart(Assessment.STABLE, growing)).isEqualTo(-1);
    List<Snapshot> filled = series(10 * mb, 20 * mb, 20 * mb, 20 * mb);
    assertThat(RecentGrowth.plateauStart(Assessment.STABLE, filled)).isEqualTo(1);
    assertThat(RecentGrowth.plateauStart(Assessment.LEAKING, filled)).isEqualTo(-1);
    // Two flat dumps are not enough to call it flat.
    assertThat(
            RecentGrowth.plateauStart(
                Assessment.STABLE, series(10 * mb, 10 * mb, 20 * mb, 20 * mb)))
        .isEqualTo(-1);
  }
}
