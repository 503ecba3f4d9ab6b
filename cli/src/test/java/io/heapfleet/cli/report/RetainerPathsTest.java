package io.heapfleet.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.json.AnalysisJson;
import io.heapfleet.analysis.retainer.SuspectOwner;
import io.heapfleet.analysis.trend.Assessment;
import io.heapfleet.analysis.trend.Suspect;
import io.heapfleet.analysis.trend.TrendResult;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The report reuses owners the collector stored in trend.json instead of re-analysing. */
class RetainerPathsTest {

  private static Suspect suspect(String name) {
    return new Suspect(name, 1e6, 10, 1, 3, 3, 1, 3e5, 3, true, 4_000_000, 1000);
  }

  @Test
  void readsOwnersFromTheTrendJsonTheCollectorWrites() {
    TrendResult trend =
        new TrendResult(
            Assessment.LEAKING,
            "grows",
            1e6,
            1,
            List.of(),
            List.of(suspect("byte[]"), suspect("java.lang.String")));
    SuspectOwner owner =
        new SuspectOwner(
            "byte[]",
            "com.acme.cart.Cart",
            2_300_000,
            List.of(
                "static com.acme.cart.CartStore.CARTS", "com.acme.cart.Cart.payload", "byte[]"));
    String json = AnalysisJson.trendToString(trend, Map.of("byte[]", owner));

    List<LeakReport.RetainerPath> paths =
        RetainerPaths.fromTrendJson(Optional.of(json), List.of("byte[]", "java.lang.String"));

    assertThat(paths).hasSize(1);
    LeakReport.RetainerPath path = paths.get(0);
    assertThat(path.className()).isEqualTo("byte[]");
    assertThat(path.owner()).contains("com.acme.cart.Cart");
    assertThat(path.steps()).first().isEqualTo("static com.acme.cart.CartStore.CARTS");
    assertThat(path.retainedBytes()).hasValue(2_300_000);
    assertThat(RetainerPaths.fromTrendJson(Optional.of(json), List.of("java.lang.String")))
        .isEmpty();
    assertThat(RetainerPaths.fromTrendJson(Optional.empty(), List.of("byte[]"))).isEmpty();
  }
}
