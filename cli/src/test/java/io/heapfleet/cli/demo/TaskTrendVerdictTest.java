package io.heapfleet.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.json.AnalysisJson;
import io.heapfleet.analysis.trend.Assessment;
import io.heapfleet.analysis.trend.Snapshot;
import io.heapfleet.analysis.trend.Suspect;
import io.heapfleet.analysis.trend.TrendResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo's verdict line for a task, from its trend JSON read with the typed reader. */
class TaskTrendVerdictTest {
  private static final CollectorApi.Task TASK =
      new CollectorApi.Task("orders-2", 6, 1, "stable", 0, null, null);

  @Test
  void aCacheThatFilledThenWentFlatShowsItsPlateauAndItsSteadyClasses() throws Exception {
    Instant t0 = Instant.parse("2026-11-22T05:23:48Z");
    long[] heap = {14_177_344, 24_215_432, 25_494_096, 19_444_072, 23_904_424, 23_905_064};
    List<Snapshot> snapshots = new ArrayList<>();
    for (int i = 0; i < heap.length; i++) {
      snapshots.add(new Snapshot(t0.plusSeconds(17L * i), heap[i], 60_000));
    }
    TrendResult trend =
        new TrendResult(
            Assessment.STABLE,
            "flat",
            242e6,
            0.2,
            snapshots,
            List.of(suspect("byte[]", false), suspect("com.acme.Cache$Entry", true)));

    FleetVerdict.TaskVerdict v =
        TaskTrendVerdict.of(TASK, AnalysisJson.readTrend(AnalysisJson.trendToString(trend)));

    assertThat(v.task()).isEqualTo("orders-2");
    assertThat(v.assessment()).isEqualTo(Assessment.STABLE);
    assertThat(v.heapBytesPerHour()).isEqualTo(242e6);
    assertThat(v.recentHeapBytesPerHour()).isEqualTo(trend.recentHeapBytesPerHour());
    assertThat(v.plateau())
        .isEqualTo(new FleetVerdict.Plateau(snapshots.get(2).timestamp(), 25_494_096 - 14_177_344));
    assertThat(v.growing()).containsExactly("com.acme.Cache$Entry");
    assertThat(v.snapshots()).isEqualTo(6);
  }

  @Test
  void aTaskWithoutATrendKeepsTheCollectorsAssessment() {
    FleetVerdict.TaskVerdict v = TaskTrendVerdict.of(TASK, null);
    assertThat(v.assessment()).isEqualTo(Assessment.STABLE);
    assertThat(v.topSuspect()).isNull();
    assertThat(v.plateau()).isNull();
  }

  private static Suspect suspect(String name, boolean steady) {
    return new Suspect(name, 1e6, 10, 1, 3, 5, 1, 3e5, 3, steady, 4_000_000, 1000);
  }
}
