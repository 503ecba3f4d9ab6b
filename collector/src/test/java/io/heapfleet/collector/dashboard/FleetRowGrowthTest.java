package io.heapfleet.collector.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.collector.state.TaskStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fleet page's growth column agrees with the verdict: a flat cache does not read as growth. */
class FleetRowGrowthTest {

  private static final Instant FLAT = Instant.parse("2026-11-22T06:10:00Z");

  /** A task's status with its growth given in MB (10^6 bytes) per hour, as the API's MB fields. */
  private static TaskStatus status(
      String assessment, double growth, double recentGrowth, Instant flatSince) {
    return new TaskStatus(
        "t1",
        "c",
        "s",
        true,
        6,
        null,
        -1,
        assessment,
        "why",
        growth,
        List.of("byte[]"),
        null,
        null,
        recentGrowth,
        flatSince,
        growth * 1_000_000,
        recentGrowth * 1_000_000);
  }

  @Test
  void aCacheThatFilledAndStayedFlatShowsSinceWhenNotItsWarmUpSlope() {
    FleetRow row = CollectorDashboardData.row(status("stable", 464.0, -198.0, FLAT), List.of());
    assertThat(row.growth()).isEqualTo("flat since 2026-11-22T06:10:00Z").doesNotContain("464");
    assertThat(row.topSuspect()).isNull();
  }

  @Test
  void aStableTaskWithoutPlateauReadsFlatNotARate() {
    FleetRow row = CollectorDashboardData.row(status("stable", 464.0, 2.0, null), List.of());
    assertThat(row.heapBytesPerHour()).isEqualTo(2_000_000.0);
    assertThat(row.growth()).isEqualTo("flat");
  }

  @Test
  void anInconclusiveTaskShowsItsRecentRiseAndNamesWhatGrows() {
    FleetRow row =
        CollectorDashboardData.row(status("inconclusive", 900.0, 452.0, null), List.of());
    assertThat(row.status()).isEqualTo("inconclusive");
    assertThat(row.heapBytesPerHour()).isEqualTo(452_000_000.0);
    assertThat(row.growth()).isEqualTo("+431.1 MiB/h");
    assertThat(row.topSuspect()).isEqualTo("byte[]");
  }

  @Test
  void aLeakingTaskShowsTheWholeSeriesSlopeEvenIfItHadAFlatStretch() {
    FleetRow row = CollectorDashboardData.row(status("leaking", 900.0, 880.0, FLAT), List.of());
    assertThat(row.heapBytesPerHour()).isEqualTo(900_000_000.0);
    assertThat(row.growth()).isEqualTo("+858.3 MiB/h");
    assertThat(row.topSuspect()).isEqualTo("byte[]");
  }
}
