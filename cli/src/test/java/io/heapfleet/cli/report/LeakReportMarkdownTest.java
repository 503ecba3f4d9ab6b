package io.heapfleet.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.trend.Assessment;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The Markdown layout rules: sections appear only with their facts, numbers are formatted once. */
class LeakReportMarkdownTest {
  static final Instant T0 = Instant.parse("2026-11-22T01:00:00Z");

  static LeakReport.Snapshot snap(int minutes, long heap) {
    return new LeakReport.Snapshot(
        T0.plusSeconds(60L * minutes),
        heap,
        heap / 100,
        "s3://b/k" + minutes,
        OptionalLong.of(heap / 4));
  }

  @Test
  void retainerPathsAreRenderedAsAnIndentedChainAndNamedInTheSummary() {
    LeakReport r =
        new LeakReport(
            "orders-1",
            Optional.of("orders"),
            Optional.of("prod"),
            T0.plusSeconds(7200),
            List.of(snap(0, 100L << 20), snap(30, 110L << 20), snap(60, 120L << 20)),
            Optional.of(Assessment.LEAKING),
            Optional.of("heap grows steadily"),
            OptionalDouble.of(20.0 * (1 << 20)),
            List.of(
                new LeakReport.Growth(
                    "com.acme.Cart", 5000, 20L << 20, OptionalDouble.of(20.0 * (1 << 20)), true)),
            List.of(new LeakReport.Consumer("com.acme.Cart", 5000, 20L << 20)),
            List.of(
                new LeakReport.RetainerPath(
                    "com.acme.Cart",
                    Optional.of("com.acme.CartStore"),
                    List.of(
                        "com.acme.CartStore.carts (static)", "java.util.HashMap", "com.acme.Cart"),
                    OptionalLong.of(30L << 20))),
            List.of("heapfleet report --task orders-1"),
            Optional.empty());
    String md = LeakReportMarkdown.render(r);
    assertThat(md)
        .contains("**Service**: orders")
        .contains("**Assessment**: leaking")
        .contains("Memory growth: +20.0 MiB/h")
        .contains("Heap in the dumps: 100.0 MiB → 120.0 MiB (+20.0 MiB (+20.0%))")
        .contains(
            "- Held by: `com.acme.CartStore`, from GC root `com.acme.CartStore.carts (static)`")
        .contains("| `com.acme.Cart` | +5,000 | +20.0 MiB | +20.0 MiB/h |")
        .contains("### 3. Retainer Path Analysis")
        .contains(
            "**Leaked Object**: `com.acme.Cart`, held by `com.acme.CartStore` (retains 30.0 MiB)")
        .contains("com.acme.CartStore.carts (static)\n  → java.util.HashMap\n    → com.acme.Cart\n")
        .contains(
            "1. `com.acme.Cart` - 20.0 MiB in 5,000 instances - held by `com.acme.CartStore`");
  }

  @Test
  void theOwnerOfWhatGrowsAndItsHolderAreNamedFirst() {
    double mbh = 1 << 20;
    List<String> path =
        List.of(
            "static com.acme.cart.CartStore.CARTS",
            "java.util.concurrent.ConcurrentHashMap.table",
            "java.util.concurrent.ConcurrentHashMap$Node[][3]",
            "java.util.concurrent.ConcurrentHashMap$Node.val",
            "com.acme.cart.Cart.sessionSnapshot",
            "byte[]");
    LeakReport r =
        new LeakReport(
            "orders-1",
            Optional.empty(),
            Optional.empty(),
            T0.plusSeconds(7200),
            List.of(snap(0, 100L << 20), snap(30, 110L << 20), snap(60, 120L << 20)),
            Optional.of(Assessment.LEAKING),
            Optional.of("byte[] grew in 2 of 2 intervals"),
            OptionalDouble.of(900 * mbh),
            List.of(
                new LeakReport.Growth(
                    "byte[]", 5000, 20L << 20, OptionalDouble.of(800 * mbh), true),
                new LeakReport.Growth(
                    "com.acme.cart.Cart", 5000, 1L << 20, OptionalDouble.of(98 * mbh), true)),
            List.of(),
            List.of(
                new LeakReport.RetainerPath(
                    "byte[]", Optional.of("com.acme.cart.Cart"), path, OptionalLong.of(30L << 20)),
                new LeakReport.RetainerPath(
                    "com.acme.cart.Cart",
                    Optional.of("com.acme.cart.CartStore"),
                    path.subList(0, 4),
                    OptionalLong.of(31L << 20))),
            List.of(),
            Optional.empty());
    String md = LeakReportMarkdown.render(r);
    String owner =
        "`com.acme.cart.Cart` held by `static com.acme.cart.CartStore.CARTS` grows"
            + " +898.0 MiB/h (`byte[]`, `Cart`)";
    assertThat(md)
        .contains(
            "**TL;DR**: The heap of `orders-1` keeps growing (+900.0 MiB/h) over 3"
                + " snapshots; "
                + owner
                + ".")
        .contains("- Owner first: " + owner + "\n");
    assertThat(md.indexOf("- Owner first:")).isLessThan(md.indexOf("- Trend:"));
  }

  @Test
  void sectionsWithoutFactsAreLeftOut() {
    LeakReport r =
        new LeakReport(
            "a.hprof",
            Optional.empty(),
            Optional.empty(),
            T0,
            List.of(snap(0, 10L << 20)),
            Optional.empty(),
            Optional.empty(),
            OptionalDouble.empty(),
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            Optional.empty());
    String md = LeakReportMarkdown.render(r);
    assertThat(md)
        .contains("### 1. Heap Snapshots Collected")
        .doesNotContain("**Service**")
        .doesNotContain("**Impact**")
        .doesNotContain("Symptoms")
        .doesNotContain("Snapshot Comparison")
        .doesNotContain("Retainer")
        .doesNotContain("Reproduction")
        .doesNotContain("[");
  }
}
