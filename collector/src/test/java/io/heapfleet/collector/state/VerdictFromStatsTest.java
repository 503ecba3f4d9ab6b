package io.heapfleet.collector.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.collector.state.FleetState.TrendSummary;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The task's verdict from its dumps and its stats: stats decide only while the dumps cannot. */
class VerdictFromStatsTest {
  static final TrendSummary STATS_FLAT =
      new TrendSummary(
          "stable", "old generation after GC flat over 30 min", 100_000, List.of(), 100_000, null);
  static final TrendSummary STATS_RISING =
      new TrendSummary(
          "leaking", "old generation after GC grows steadily", 42e6, List.of(), 42e6, null);

  @Test
  void withOneBaselineDumpAFlatOldGenerationIsStable() {
    TrendSummary v = FleetState.verdict(TrendSummary.UNKNOWN, STATS_FLAT);
    assertThat(v.assessment()).isEqualTo("stable");
    assertThat(v.reason()).isEqualTo("from stats: old generation after GC flat over 30 min");
  }

  @Test
  void anInconclusiveDumpTrendIsDecidedByTheStatsKeepingItsGrowingClasses() {
    TrendSummary dumps =
        new TrendSummary("inconclusive", "growth slowing", 10, List.of("com.acme.Cart"), 5, null);
    TrendSummary v = FleetState.verdict(dumps, STATS_RISING);
    assertThat(v.assessment()).isEqualTo("leaking");
    assertThat(v.growthBytesPerHour()).isEqualTo(42e6);
    assertThat(v.growing()).containsExactly("com.acme.Cart");
  }

  @Test
  void aDecidedDumpTrendStandsAndNoStatsChangeNothing() {
    TrendSummary dumps =
        new TrendSummary("leaking", "steady", 80, List.of("com.acme.Cart"), 80, null);
    assertThat(FleetState.verdict(dumps, STATS_FLAT)).isSameAs(dumps);
    assertThat(FleetState.verdict(TrendSummary.UNKNOWN, null)).isSameAs(TrendSummary.UNKNOWN);
    TrendSummary statsUnsure =
        new TrendSummary("inconclusive", "rose unsteadily", 3, List.of(), 3, null);
    TrendSummary inconclusiveDumps =
        new TrendSummary("inconclusive", "growth slowing", 10, List.of(), 5, null);
    assertThat(FleetState.verdict(inconclusiveDumps, statsUnsure)).isSameAs(inconclusiveDumps);
  }
}
