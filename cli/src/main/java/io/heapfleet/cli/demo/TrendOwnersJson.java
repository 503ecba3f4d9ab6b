package io.heapfleet.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.heapfleet.analysis.retainer.GrowingOwner;
import io.heapfleet.analysis.retainer.OwnerRanking;
import io.heapfleet.analysis.retainer.SuspectOwner;
import io.heapfleet.analysis.trend.Assessment;
import io.heapfleet.analysis.trend.Suspect;
import io.heapfleet.analysis.trend.TrendResult;
import io.heapfleet.cli.report.LeakReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The owner-first view ({@link OwnerRanking}) of a trend as the collector serves it (trend JSON):
 * owners from the suspects' {@code owner}/{@code retainedBytes}/{@code path} fields the collector's
 * deep analysis added, or, while that analysis has not finished, from the retainer paths a report
 * computed. Stateless; thread-safe.
 */
public final class TrendOwnersJson {
  private TrendOwnersJson() {}

  /**
   * @param trend the trend JSON ({@code suspects} with {@code class}, {@code bytesPerHour}, …)
   * @param fallback retainer paths to use when the trend names no owner (may be empty)
   * @return the owners, best first; empty when none is known
   */
  public static List<GrowingOwner> rank(JsonNode trend, List<LeakReport.RetainerPath> fallback) {
    List<Suspect> suspects = new ArrayList<>();
    Map<String, SuspectOwner> owners = new LinkedHashMap<>();
    for (JsonNode s : trend.path("suspects")) {
      String name = s.path("class").asText(null);
      if (name == null) {
        continue;
      }
      suspects.add(
          new Suspect(
              name,
              s.path("bytesPerHour").asDouble(0),
              s.path("instancesPerHour").asDouble(0),
              s.path("steadiness").asDouble(0),
              s.path("growingSteps").asInt(0),
              s.path("steps").asInt(0),
              s.path("r2").asDouble(0),
              s.path("bytesPerStep").asDouble(0),
              s.path("instancesPerStep").asDouble(0),
              s.path("steady").asBoolean(false),
              s.path("currentBytes").asLong(0),
              s.path("currentInstances").asLong(0)));
      if (s.hasNonNull("owner")) {
        List<String> path = new ArrayList<>();
        s.path("path").forEach(p -> path.add(p.asText()));
        owners.put(
            name,
            new SuspectOwner(
                name, s.get("owner").asText(), s.path("retainedBytes").asLong(0), path));
      }
    }
    if (owners.isEmpty()) {
      for (LeakReport.RetainerPath p : fallback) {
        p.owner()
            .ifPresent(
                o ->
                    owners.put(
                        p.className(),
                        new SuspectOwner(
                            p.className(), o, p.retainedBytes().orElse(0), p.steps())));
      }
    }
    TrendResult t = new TrendResult(Assessment.LEAKING, "", 0, 0, List.of(), suspects);
    return OwnerRanking.rank(t, owners);
  }

  /**
   * The verdict's line for an owner: its {@link GrowingOwner#headline}, e.g. {@code
   * com.acme.cart.Cart held by static com.acme.cart.CartStore.CARTS: +898.0 MiB/h (byte[], Cart)}.
   */
  public static String line(GrowingOwner g) {
    return g.headline();
  }
}
