package io.heapfleet.analysis.trend;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The trend of one JVM over a series of dumps: the verdict with its reason in words, the heap's
 * growth rate, the dumps, and the growing classes best suspect first. Immutable.
 *
 * @param assessment leaking, stable or inconclusive
 * @param reason why, in a sentence or two a person can act on
 * @param heapBytesPerHour least-squares slope of the total shallow heap over all the dumps (for a
 *     cache that filled during warm-up this includes the filling: see {@link
 *     #recentHeapBytesPerHour()} and {@link #flatSince()})
 * @param heapSteadiness steadiness of the total heap's growth (same measure as for a class)
 * @param snapshots the dumps in time order
 * @param suspects growing classes: those meeting the leak rule first (by bytes/hour), then the rest
 *     by bytes/hour × steadiness; the application classes of a {@link LockstepGroup} move up to the
 *     place of their group's best-ranked class
 * @param lockstep classes growing in lockstep, grouped and named by their application class
 */
public record TrendResult(
    Assessment assessment,
    String reason,
    double heapBytesPerHour,
    double heapSteadiness,
    List<Snapshot> snapshots,
    List<Suspect> suspects,
    List<LockstepGroup> lockstep) {

  public TrendResult {
    snapshots = List.copyOf(snapshots);
    suspects = List.copyOf(suspects);
    lockstep = List.copyOf(lockstep);
  }

  /** A trend without lockstep groups. */
  public TrendResult(
      Assessment assessment,
      String reason,
      double heapBytesPerHour,
      double heapSteadiness,
      List<Snapshot> snapshots,
      List<Suspect> suspects) {
    this(assessment, reason, heapBytesPerHour, heapSteadiness, snapshots, suspects, List.of());
  }

  /** The lockstep group {@code className} belongs to, if any. */
  public Optional<LockstepGroup> lockstepGroupOf(String className) {
    return lockstep.stream().filter(g -> g.classes().contains(className)).findFirst();
  }

  /**
   * The heap's slope lately, in bytes/hour: over the plateau when the heap levelled off ({@link
   * #flatSince()}), otherwise over the later half of the dumps (the window the leak rule checks for
   * levelling off); 0 with fewer than two dumps. Derived from {@link #snapshots()}.
   */
  public double recentHeapBytesPerHour() {
    int start = RecentGrowth.plateauStart(assessment, snapshots);
    return RecentGrowth.slopeFrom(
        snapshots, start >= 0 ? start : RecentGrowth.laterHalf(snapshots.size()));
  }

  /**
   * When a {@code stable} heap that grew during warm-up (a cache filling) stopped growing: the
   * timestamp of the first dump of the flat stretch that runs to the newest dump; empty when the
   * trend is leaking, too short, or the heap never rose and levelled off.
   */
  public Optional<Instant> flatSince() {
    int start = RecentGrowth.plateauStart(assessment, snapshots);
    return start >= 0 ? Optional.of(snapshots.get(start).timestamp()) : Optional.empty();
  }

  /**
   * How much the heap grew before it levelled off (first dump to {@link #flatSince()}), in bytes; 0
   * when there is no such plateau.
   */
  public long warmUpBytes() {
    int start = RecentGrowth.plateauStart(assessment, snapshots);
    return start >= 0 ? snapshots.get(start).shallowBytes() - snapshots.get(0).shallowBytes() : 0;
  }
}
