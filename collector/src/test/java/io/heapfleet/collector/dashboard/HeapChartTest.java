package io.heapfleet.collector.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.trend.Assessment;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stacking rules of the task page's heap chart, and the JSON the page's script reads. */
class HeapChartTest {
  static final Instant T0 = Instant.parse("2026-11-22T01:00:00Z");

  @Test
  void stacksTheNewestDumpsTopClassesAndPutsTheRestInOther() {
    HeapChart c =
        HeapChart.of(
            List.of(
                new HeapChart.Point(T0, 1000, Map.of("byte[]", 500L, "A", 100L, "B", 300L)),
                new HeapChart.Point(
                    T0.plusSeconds(60), 1500, Map.of("byte[]", 600L, "A", 700L, "B", 50L))),
            2);
    assertThat(c.series().keySet()).containsExactly("A", "byte[]", "other");
    assertThat(c.series().get("A")).containsExactly(100, 700);
    assertThat(c.series().get("other")).containsExactly(400, 200);
    assertThat(c.toJson())
        .isEqualTo(
            "{\"times\":[\"2026-11-22T01:00:00Z\",\"2026-11-22T01:01:00Z\"],\"series\":["
                + "{\"name\":\"A\",\"bytes\":[100,700]},{\"name\":\"byte[]\",\"bytes\":[500,600]},"
                + "{\"name\":\"other\",\"bytes\":[400,200]}]}");
  }

  @Test
  void classNamesCannotCloseTheScriptElement() {
    HeapChart c =
        HeapChart.of(List.of(new HeapChart.Point(T0, 10, Map.of("</script><b>\"x\\", 10L))), 5);
    assertThat(c.toJson())
        .contains("\\u003c/script>\\u003cb>\\\"x\\\\")
        .doesNotContain("</script>");
  }

  @Test
  void fleetRowsPutLeakingFirstThenFastestGrowth() {
    FleetRow quiet =
        new FleetRow(
            "c", null, null, null, -1, Assessment.STABLE, 10, 3, null, null, null, null, null);
    FleetRow leak =
        new FleetRow(
            "b", null, null, null, -1, Assessment.LEAKING, 5, 3, "A", null, null, null, null);
    FleetRow fresh =
        new FleetRow("a", null, null, null, -1, null, Double.NaN, 1, null, null, null, null, null);
    FleetRow cache =
        new FleetRow(
            "d", null, null, null, -1, Assessment.STABLE, 50, 3, null, null, null, null, null);
    assertThat(
            List.of(quiet, leak, fresh, cache).stream()
                .sorted(FleetRow.LEAKING_FIRST)
                .map(FleetRow::taskId))
        .containsExactly("b", "d", "c", "a");
  }
}
