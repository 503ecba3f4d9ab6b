package io.heapfleet.cli.demo;

import io.heapfleet.analysis.json.TrendDocument;
import io.heapfleet.analysis.retainer.GrowingOwner;
import io.heapfleet.analysis.retainer.OwnerRanking;
import io.heapfleet.analysis.retainer.SuspectOwner;
import io.heapfleet.cli.report.LeakReport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The owner-first view ({@link OwnerRanking}) of a trend as the collector serves it (trend JSON,
 * read with the analysis' typed reader): owners from the suspects' {@code owner}/{@code
 * retainedBytes}/{@code path} fields the collector's deep analysis added, or, while that analysis
 * has not finished, from the retainer paths a report computed. Stateless; thread-safe.
 */
public final class TrendOwnersJson {
  private TrendOwnersJson() {}

  /**
   * @param trend the trend document
   * @param fallback retainer paths to use when the trend names no owner (may be empty)
   * @return the owners, best first; empty when none is known
   */
  public static List<GrowingOwner> rank(
      TrendDocument trend, List<LeakReport.RetainerPath> fallback) {
    if (!trend.owners().isEmpty()) {
      return trend.rankedOwners();
    }
    Map<String, SuspectOwner> owners = new LinkedHashMap<>();
    for (LeakReport.RetainerPath p : fallback) {
      p.owner()
          .ifPresent(
              o ->
                  owners.put(
                      p.className(),
                      new SuspectOwner(p.className(), o, p.retainedBytes().orElse(0), p.steps())));
    }
    return OwnerRanking.rank(trend.trend(), owners);
  }

  /**
   * The verdict's line for an owner: its {@link GrowingOwner#headline}, e.g. {@code
   * com.acme.cart.Cart held by static com.acme.cart.CartStore.CARTS: +898.0 MiB/h (byte[], Cart)}.
   */
  public static String line(GrowingOwner g) {
    return g.headline();
  }
}
