package io.heapfleet.analysis.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.report.Markdown;
import io.heapfleet.analysis.retainer.RetainedDiff;
import io.heapfleet.analysis.retainer.SuspectOwner;
import io.heapfleet.analysis.trend.Assessment;
import io.heapfleet.analysis.trend.Suspect;
import io.heapfleet.analysis.trend.TrendResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The trend JSON's {@code owner}/{@code retainedBytes}/{@code path} per suspect and the diff JSON's
 * retained-size fields: present exactly where the deep analysis gave them, parseable, and absent
 * otherwise (the real-dump end-to-end check is {@code DeepTrendDiffCommandTest} in cli).
 */
class TrendOwnersJsonTest {
  static Suspect suspect(String name) {
    return new Suspect(name, 1e6, 10, 1, 3, 3, 1, 3e5, 3, true, 4_000_000, 1000);
  }

  static final TrendResult TREND =
      new TrendResult(
          Assessment.LEAKING,
          "grows",
          1e6,
          1,
          List.of(),
          List.of(suspect("byte[]"), suspect("java.lang.String")));

  static final SuspectOwner OWNER =
      new SuspectOwner(
          "byte[]",
          "com.acme.cart.Cart",
          2_300_000,
          List.of("static com.acme.cart.CartStore.CARTS", "com.acme.cart.Cart.payload", "byte[]"));

  @Test
  @SuppressWarnings("unchecked")
  void suspectsWithAnOwnerGainOwnerRetainedBytesAndPath() {
    String json = AnalysisJson.trendToString(TREND, Map.of("byte[]", OWNER));
    Map<String, Object> root = AnalysisJson.object(JsonParser.parse(json), "root");
    List<Map<String, Object>> suspects = (List<Map<String, Object>>) root.get("suspects");
    assertThat(suspects.get(0))
        .containsEntry("owner", "com.acme.cart.Cart")
        .containsEntry("retainedBytes", 2_300_000L)
        .containsEntry("path", OWNER.path());
    assertThat(suspects.get(1)).doesNotContainKeys("owner", "retainedBytes", "path");
    // Without owners: exactly the plain trend JSON.
    assertThat(AnalysisJson.trendToString(TREND, Map.of()))
        .isEqualTo(AnalysisJson.trendToString(TREND))
        .doesNotContain("\"owner\"");
    // An owner-less result (only JDK objects hold it) adds nothing.
    assertThat(
            AnalysisJson.trendToString(
                TREND,
                Map.of(
                    "java.lang.String", new SuspectOwner("java.lang.String", null, 0, List.of()))))
        .doesNotContain("\"owner\"");
  }

  @Test
  void markdownNamesTheHolderAndThePath() {
    String md = Markdown.trend(TREND, Map.of("byte[]", OWNER));
    assertThat(md)
        .contains("### Who holds them")
        .contains(
            "`byte[]`: held by `com.acme.cart.Cart`, which retains 2.2 MiB") // 2,300,000 B in MiB
        .contains("→ com.acme.cart.Cart.payload");
    assertThat(Markdown.trend(TREND)).doesNotContain("Who holds them");
  }

  @Test
  @SuppressWarnings("unchecked")
  void ownersArrayAndMarkdownNameTheOwnerAndItsHolderFirst() {
    String json = AnalysisJson.trendToString(TREND, Map.of("byte[]", OWNER));
    Map<String, Object> root = AnalysisJson.object(JsonParser.parse(json), "root");
    List<Map<String, Object>> owners = (List<Map<String, Object>>) root.get("owners");
    assertThat(owners).hasSize(1);
    assertThat(owners.get(0))
        .containsEntry("owner", "com.acme.cart.Cart")
        .containsEntry("holder", "static com.acme.cart.CartStore.CARTS")
        .containsEntry("bytesPerHour", 1_000_000L)
        .containsEntry("retainedBytes", 2_300_000L)
        .containsEntry("classes", List.of("byte[]"))
        .containsEntry("path", OWNER.path())
        .containsEntry("steady", true);
    // The contract fields come first and are unchanged.
    assertThat(List.copyOf(root.keySet()))
        .startsWith("assessment", "reason", "heapBytesPerHour")
        .contains("snapshots", "suspects");
    assertThat(AnalysisJson.trendToString(TREND)).doesNotContain("\"owners\"");

    String md = Markdown.trend(TREND, Map.of("byte[]", OWNER));
    // Right under the verdict, before the reason and the histogram suspects.
    assertThat(md)
        .contains(
            "**`com.acme.cart.Cart` held by `static com.acme.cart.CartStore.CARTS`:"
                + " +976.6 KiB/h** (`byte[]`)")
        .contains("### Growth by owner");
    assertThat(md.indexOf("held by `static com.acme.cart.CartStore.CARTS`"))
        .isLessThan(md.indexOf("grows"))
        .isLessThan(md.indexOf("### Suspects"));
    // A stable trend lists owners in the table but does not headline them as a leak.
    TrendResult stable =
        new TrendResult(Assessment.STABLE, "flat", 0, 0, List.of(), List.of(suspect("byte[]")));
    assertThat(Markdown.trend(stable, Map.of("byte[]", OWNER)))
        .contains("### Growth by owner")
        .doesNotContain("**`com.acme.cart.Cart` held by");
  }

  @Test
  void retainedDeltasAsMarkdown() {
    String md =
        Markdown.retainedDiff(
            List.of(new RetainedDiff.Delta("com.acme.cart.Cart", 1_000_000, 3_000_000)), 10);
    assertThat(md).contains("### Retained size").contains("| `com.acme.cart.Cart` |");
  }
}
