package io.heapfleet.analysis.json;

import io.heapfleet.analysis.retainer.GrowingOwner;
import io.heapfleet.analysis.retainer.OwnerRanking;
import io.heapfleet.analysis.retainer.SuspectOwner;
import io.heapfleet.analysis.trend.TrendResult;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A trend JSON document read back ({@link AnalysisJson#readTrend}): the trend and the owners its
 * suspects carry (suspect class → {@code owner}, {@code retainedBytes}, {@code path}; only suspects
 * that name an owner), in suspect order. Immutable.
 */
public record TrendDocument(TrendResult trend, Map<String, SuspectOwner> owners) {
  public TrendDocument {
    owners = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(owners));
  }

  /** The owner-first view ({@link OwnerRanking}) the document's {@code owners} array lists. */
  public List<GrowingOwner> rankedOwners() {
    return OwnerRanking.rank(trend, owners);
  }

  /** The owner of {@code className}'s growth, when the document names one. */
  public Optional<SuspectOwner> owner(String className) {
    return Optional.ofNullable(owners.get(className));
  }
}
