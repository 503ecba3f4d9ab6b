package io.heapfleet.analysis.retainer;

import io.heapfleet.analysis.internal.dominator.ClassRetained;
import io.heapfleet.analysis.internal.dominator.Dominator;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a deep analysis found in one dump: retained sizes per class, the biggest dominators, and who
 * holds each suspect class. Plain records, serializable to JSON as they are. Immutable.
 *
 * @param dumpTimestamp when the dump was written
 * @param sizeModel the object size model detected (e.g. {@code compressed-oops})
 * @param objects objects in the dump
 * @param references non-null references between them
 * @param reachableObjects objects reachable from GC roots
 * @param reachableBytes their shallow bytes
 * @param graphBytes memory of the compact graph (see {@code docs/deep-analysis.md})
 * @param timings how long each phase took
 * @param classes classes by retained size, biggest first
 * @param topDominators biggest objects directly under the GC roots
 * @param suspects one report per suspect class asked for
 */
public record DeepResult(
    Instant dumpTimestamp,
    String sizeModel,
    long objects,
    long references,
    long reachableObjects,
    long reachableBytes,
    long graphBytes,
    Timings timings,
    List<ClassRetained> classes,
    List<Dominator> topDominators,
    List<SuspectReport> suspects) {

  public DeepResult {
    classes = List.copyOf(classes);
    topDominators = List.copyOf(topDominators);
    suspects = List.copyOf(suspects);
  }

  /**
   * Milliseconds per phase.
   *
   * @param loadMillis streaming the dump into the graph
   * @param dominatorMillis dominator tree and retained sizes
   * @param pathMillis shortest paths, owners and path labels
   */
  public record Timings(long loadMillis, long dominatorMillis, long pathMillis) {}

  /** The owner of each suspect, in the order asked, in the trend's shape. */
  public List<SuspectOwner> suspectOwners() {
    return suspects.stream().map(SuspectReport::toSuspectOwner).toList();
  }

  /** The owner of one suspect class, if it was asked for. */
  public Optional<SuspectOwner> owner(String className) {
    return suspects.stream()
        .filter(s -> s.className().equals(className))
        .findFirst()
        .map(SuspectReport::toSuspectOwner);
  }

  /** Retained bytes of a class, 0 if it has no reachable instance or is not in {@link #classes}. */
  public long retainedBytes(String className) {
    return classes.stream()
        .filter(c -> c.className().equals(className))
        .mapToLong(ClassRetained::retainedBytes)
        .sum();
  }
}
