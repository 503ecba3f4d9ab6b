package io.heapfleet.analysis.trend;

import java.util.List;

/**
 * The trend of one JVM over a series of dumps: the verdict with its reason in words, the heap's
 * growth rate, the dumps, and the growing classes best suspect first. Immutable.
 *
 * @param assessment leaking or stable
 * @param reason why, in a sentence or two a person can act on
 * @param heapBytesPerHour least-squares slope of the total shallow heap
 * @param heapSteadiness steadiness of the total heap's growth (same measure as for a class)
 * @param snapshots the dumps in time order
 * @param suspects growing classes: those meeting the leak rule first (by bytes/hour), then the rest
 *     by bytes/hour × steadiness
 */
public record TrendResult(
    Assessment assessment,
    String reason,
    double heapBytesPerHour,
    double heapSteadiness,
    List<Snapshot> snapshots,
    List<Suspect> suspects) {

  public TrendResult {
    snapshots = List.copyOf(snapshots);
    suspects = List.copyOf(suspects);
  }
}
