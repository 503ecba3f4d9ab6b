package io.heapfleet.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.json.AnalysisJson;
import io.heapfleet.analysis.retainer.SuspectOwner;
import io.heapfleet.analysis.trend.Assessment;
import io.heapfleet.analysis.trend.Suspect;
import io.heapfleet.analysis.trend.TrendResult;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The verdict's numbers agree with its words: a stable task whose cache filled during warm-up shows
 * its recent growth and when it went flat, not the warm-up slope.
 */
class FleetVerdictTest {
  private static final double MB = 1_048_576.0;

  private static FleetVerdict fleet() {
    return new FleetVerdict(
        List.of(
            new FleetVerdict.TaskVerdict(
                "orders-2",
                Assessment.STABLE,
                690 * MB,
                null,
                List.of(),
                6,
                0.3 * MB,
                new FleetVerdict.Plateau(
                    Instant.parse("2026-11-22T03:35:40.123Z"), 16 * 1_048_576L)),
            new FleetVerdict.TaskVerdict("orders-3", Assessment.STABLE, 2 * MB, null, List.of(), 6),
            new FleetVerdict.TaskVerdict(
                "orders-4",
                Assessment.INCONCLUSIVE,
                903 * MB,
                "byte[]",
                List.of("byte[]"),
                6,
                452 * MB,
                null),
            new FleetVerdict.TaskVerdict(
                "orders-1",
                Assessment.LEAKING,
                900 * MB,
                "com.acme.cart.Cart",
                List.of("byte[] held by com.acme.cart.Cart"),
                6,
                880 * MB,
                null)),
        Path.of("/tmp/r.md"));
  }

  @Test
  void stableTaskThatLevelledOffShowsRecentGrowthAndWhenItWentFlat() {
    String text = fleet().toText();
    assertThat(line(text, "orders-2"))
        .contains("stable")
        .contains(" flat since 2026-11-22T03:35:40Z ")
        .doesNotContain("690")
        .contains("(warm-up: grew 16.0 MiB, flat since 2026-11-22T03:35:40Z)");
    // A leaking task shows its growth over the whole series.
    assertThat(line(text, "orders-1")).contains("+900.0 MiB/h").contains("held by");
    // A stable task never shows a rate: its recent growth is within noise.
    assertThat(line(text, "orders-3")).contains(" flat ").doesNotContain("MB/h");
    // An inconclusive one shows its recent rise and what grows.
    assertThat(line(text, "orders-4"))
        .contains("inconclusive")
        .contains("+452.0 MiB/h")
        .doesNotContain("903")
        .contains("byte[]");
    assertThat(text).startsWith("Fleet verdict: 1 task is leaking; 1 is inconclusive");
    assertThat(text).contains("GROWTH: heap slope over all dumps for a leaking task");
    // Leaking first, then inconclusive, then the stable ones by the growth shown.
    assertThat(fleet().tasks())
        .extracting(FleetVerdict.TaskVerdict::task)
        .containsExactly("orders-1", "orders-4", "orders-3", "orders-2");
  }

  @Test
  void jsonKeepsTheContractFieldsAndAddsRecentGrowthAndFlatSince() {
    String json = fleet().toJson();
    assertThat(json)
        .contains(
            "{\"task\":\"orders-2\",\"assessment\":\"stable\",\"heapBytesPerHour\":"
                + Math.round(690 * MB)
                + ",\"recentHeapBytesPerHour\":"
                + Math.round(0.3 * MB)
                + ",\"flatSince\":\"2026-11-22T03:35:40.123Z\",\"topSuspect\":null}");
  }

  @Test
  void aStableTaskWithoutAPlateauPublishesNoRecentGrowthThatContradictsIt() {
    // A demo cache task judged stable without its GC filler arrays: the whole heap's later-half
    // slope (+852 MiB/h) is not the figure the verdict rests on, so it is not printed anywhere.
    FleetVerdict v =
        new FleetVerdict(
            List.of(
                new FleetVerdict.TaskVerdict(
                    "orders-2", Assessment.STABLE, 903 * MB, null, List.of(), 5, 852 * MB, null),
                new FleetVerdict.TaskVerdict(
                    "orders-3",
                    Assessment.INCONCLUSIVE,
                    903 * MB,
                    "byte[]",
                    List.of("byte[]"),
                    5,
                    452 * MB,
                    null)),
            null);
    String json = v.toJson();
    assertThat(json)
        .contains(
            "{\"task\":\"orders-2\",\"assessment\":\"stable\",\"heapBytesPerHour\":"
                + Math.round(903 * MB)
                + ",\"topSuspect\":null}")
        .contains("\"recentHeapBytesPerHour\":" + Math.round(452 * MB))
        .doesNotContain(Long.toString(Math.round(852 * MB)));
    assertThat(v.toText()).doesNotContain("852").contains("flat");
  }

  @Test
  void aLeakingTaskWithAKnownOwnerNamesTheOwnerAndItsHolderFirst() throws Exception {
    // The trend JSON as the collector stores it, read back with the typed reader.
    Suspect bytes = suspect("byte[]", 838860800, true);
    Suspect cart = suspect("com.acme.cart.Cart", 104857600, true);
    Suspect objects = suspect("java.lang.Object[]", 1000, false);
    var trend =
        AnalysisJson.readTrend(
            AnalysisJson.trendToString(
                trend(bytes, cart, objects),
                Map.of(
                    "byte[]",
                    new SuspectOwner(
                        "byte[]",
                        "com.acme.cart.Cart",
                        9_000_000,
                        List.of(
                            "static com.acme.cart.CartStore.CARTS",
                            "com.acme.cart.Cart.sessionSnapshot",
                            "byte[]")),
                    "com.acme.cart.Cart",
                    new SuspectOwner(
                        "com.acme.cart.Cart",
                        "com.acme.cart.CartStore",
                        0,
                        List.of("static com.acme.cart.CartStore.CARTS", "com.acme.cart.Cart")))));
    var owners = TrendOwnersJson.rank(trend, List.of());
    assertThat(owners).hasSize(1);
    String line = TrendOwnersJson.line(owners.get(0));
    assertThat(line)
        .isEqualTo(
            "com.acme.cart.Cart held by static com.acme.cart.CartStore.CARTS: +900.0 MiB/h"
                + " (byte[], Cart)");
    FleetVerdict v =
        new FleetVerdict(
            List.of(
                new FleetVerdict.TaskVerdict(
                        "orders-1", Assessment.LEAKING, 900 * MB, "byte[]", List.of("byte[]"), 6)
                    .withOwner(owners.get(0).owner(), line)),
            null);
    assertThat(v.toJson()).contains("\"topSuspect\":\"com.acme.cart.Cart\"");
    assertThat(line(v.toText(), "orders-1")).endsWith(line);
    // Without owners in the trend, the report's retainer paths stand in.
    var stripped =
        AnalysisJson.readTrend(AnalysisJson.trendToString(trend(suspect("byte[]", 5, true))));
    var fallback =
        TrendOwnersJson.rank(
            stripped,
            List.of(
                new io.heapfleet.cli.report.LeakReport.RetainerPath(
                    "byte[]",
                    java.util.Optional.of("com.acme.cart.Cart"),
                    List.of(
                        "static com.acme.cart.CartStore.CARTS", "com.acme.cart.Cart.x", "byte[]"),
                    java.util.OptionalLong.empty())));
    assertThat(fallback.get(0).holder()).isEqualTo("static com.acme.cart.CartStore.CARTS");
  }

  private static Suspect suspect(String name, double bytesPerHour, boolean steady) {
    return new Suspect(name, bytesPerHour, 0, 0, 0, 0, 0, 0, 0, steady, 0, 0);
  }

  private static TrendResult trend(Suspect... suspects) {
    return new TrendResult(Assessment.LEAKING, "grows", 0, 0, List.of(), List.of(suspects));
  }

  private static String line(String text, String task) {
    return text.lines().filter(l -> l.contains(task)).findFirst().orElseThrow();
  }
}
