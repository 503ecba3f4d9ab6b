package io.heapfleet.collector.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heapfleet.collector.stats.StatsSample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The task page's stats chart data: columns on one time axis, gaps as null, a bounded size. */
class StatsChartTest {
  static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

  @Test
  void drawsTheSeriesWithTheDumpsAndLeavesGapsWhereAFigureWasNotReported() throws Exception {
    List<StatsSample> samples =
        List.of(
            new StatsSample(T0, -1, 30, 100, -1, 1, 1, 20, 0),
            new StatsSample(T0.plusSeconds(60), 15, 40, 100, -1, 2, 2, 25, 1));
    String json = new StatsChart(samples, 100, List.of(T0.plusSeconds(30))).toJson();
    JsonNode n = new ObjectMapper().readTree(json);
    assertThat(n.path("time").toString())
        .isEqualTo("[" + T0.toEpochMilli() + "," + (T0.toEpochMilli() + 60_000) + "]");
    assertThat(n.path("oldGenAfterGc").toString()).isEqualTo("[null,15]");
    assertThat(n.path("oldGenUsed").toString()).isEqualTo("[20,25]");
    assertThat(n.path("heapUsed").toString()).isEqualTo("[30,40]");
    assertThat(n.path("heapMax").asLong()).isEqualTo(100);
    assertThat(n.path("dumps").get(0).asLong()).isEqualTo(T0.toEpochMilli() + 30_000);
    assertThat(StatsChart.empty().isEmpty()).isTrue();
  }

  @Test
  void keepsTheNewestDayOfMinuteSamples() {
    List<StatsSample> samples = new ArrayList<>();
    for (int i = 0; i < StatsChart.MAX_POINTS + 10; i++) {
      samples.add(new StatsSample(T0.plusSeconds(60L * i), i, i, 100, -1, i, i));
    }
    StatsChart c = new StatsChart(samples, 100, List.of());
    assertThat(c.samples()).hasSize(StatsChart.MAX_POINTS);
    assertThat(c.samples().get(0).oldGenAfterGc()).isEqualTo(10);
  }
}
