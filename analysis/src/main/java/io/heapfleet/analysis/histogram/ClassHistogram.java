package io.heapfleet.analysis.histogram;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The class histogram of one heap dump: per class, how many instances and how many shallow bytes,
 * biggest first, with the dump's own timestamp and totals. This is also the "summary" stored beside
 * each dump, so a trend can be computed without re-reading old dumps. Immutable and thread-safe.
 *
 * @param timestamp when the dump was taken (from the HPROF header)
 * @param idSize identifier size of the dump (4 or 8)
 * @param instances total objects in the heap
 * @param shallowBytes total shallow bytes in the heap
 * @param classes number of classes with at least one instance (entries may be fewer when the
 *     histogram was stored with a top-N limit)
 * @param entries per-class lines, biggest shallow bytes first
 * @param duplicateClasses class names defined by more than one class loader (a classloader leak
 *     sign), sorted
 * @param sizeModel the object size model used for shallow sizes ({@link SizeModel#V8} for a V8
 *     snapshot, whose sizes are V8's own)
 * @param runtime what wrote the dump: a JVM (HPROF) or Node.js (V8 heap snapshot)
 */
public record ClassHistogram(
    Instant timestamp,
    int idSize,
    long instances,
    long shallowBytes,
    int classes,
    List<ClassStats> entries,
    List<String> duplicateClasses,
    SizeModel sizeModel,
    HeapRuntime runtime) {

  /** Biggest shallow bytes first, then most instances, then by name. */
  public static final Comparator<ClassStats> BIGGEST_FIRST =
      Comparator.comparingLong(ClassStats::shallowBytes)
          .reversed()
          .thenComparing(Comparator.comparingLong(ClassStats::instances).reversed())
          .thenComparing(ClassStats::className);

  public ClassHistogram {
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(sizeModel, "sizeModel");
    Objects.requireNonNull(runtime, "runtime");
    entries = entries.stream().sorted(BIGGEST_FIRST).toList();
    duplicateClasses = List.copyOf(duplicateClasses);
  }

  /** A JVM histogram (from an HPROF dump). */
  public ClassHistogram(
      Instant timestamp,
      int idSize,
      long instances,
      long shallowBytes,
      int classes,
      List<ClassStats> entries,
      List<String> duplicateClasses,
      SizeModel sizeModel) {
    this(
        timestamp,
        idSize,
        instances,
        shallowBytes,
        classes,
        entries,
        duplicateClasses,
        sizeModel,
        HeapRuntime.JVM);
  }

  /** The line for a class name, if the class has instances (and is among the stored entries). */
  public Optional<ClassStats> get(String className) {
    return entries.stream().filter(e -> e.className().equals(className)).findFirst();
  }

  /** The same histogram with only the {@code n} biggest entries (totals unchanged). */
  public ClassHistogram top(int n) {
    if (n >= entries.size()) {
      return this;
    }
    return new ClassHistogram(
        timestamp,
        idSize,
        instances,
        shallowBytes,
        classes,
        entries.subList(0, n),
        duplicateClasses,
        sizeModel,
        runtime);
  }
}
