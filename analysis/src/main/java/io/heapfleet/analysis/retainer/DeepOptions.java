package io.heapfleet.analysis.retainer;

import java.nio.file.Path;

/**
 * Settings of a {@link DeepAnalysis}.
 *
 * @param arrayHeapBudgetBytes bytes of graph and dominator arrays kept on the Java heap; beyond it
 *     they are spilled to memory-mapped temp files in {@code spillDirectory}
 * @param spillDirectory where spilled arrays go (deleted when the analysis ends)
 * @param topDominators how many top-level dominators to report
 * @param topClasses how many classes (by retained size) to report
 * @param ownersPerSuspect how many owners to report per suspect class
 * @param labels whether to read the dump once more to put field names on retainer paths
 */
public record DeepOptions(
    long arrayHeapBudgetBytes,
    Path spillDirectory,
    int topDominators,
    int topClasses,
    int ownersPerSuspect,
    boolean labels) {

  public DeepOptions {
    if (arrayHeapBudgetBytes < 0) {
      throw new IllegalArgumentException(
          "arrayHeapBudgetBytes must be >= 0 but was " + arrayHeapBudgetBytes);
    }
    if (topDominators < 0 || topClasses < 0 || ownersPerSuspect < 1) {
      throw new IllegalArgumentException(
          "topDominators and topClasses must be >= 0 and ownersPerSuspect >= 1 but were "
              + topDominators
              + ", "
              + topClasses
              + ", "
              + ownersPerSuspect);
    }
  }

  /**
   * Defaults: arrays on the heap up to half of {@code -Xmx} (the rest spills to {@code
   * java.io.tmpdir}), 20 dominators, 50 classes, 3 owners per suspect, labelled paths.
   */
  public static DeepOptions defaults() {
    return new DeepOptions(
        Runtime.getRuntime().maxMemory() / 2,
        Path.of(System.getProperty("java.io.tmpdir")),
        20,
        50,
        3,
        true);
  }

  public DeepOptions withArrayHeapBudget(long bytes) {
    return new DeepOptions(
        bytes, spillDirectory, topDominators, topClasses, ownersPerSuspect, labels);
  }

  public DeepOptions withSpillDirectory(Path dir) {
    return new DeepOptions(
        arrayHeapBudgetBytes, dir, topDominators, topClasses, ownersPerSuspect, labels);
  }

  /** The same without the extra pass that names path fields. */
  public DeepOptions withoutLabels() {
    return new DeepOptions(
        arrayHeapBudgetBytes, spillDirectory, topDominators, topClasses, ownersPerSuspect, false);
  }

  public DeepOptions withTop(int dominators, int classes) {
    return new DeepOptions(
        arrayHeapBudgetBytes, spillDirectory, dominators, classes, ownersPerSuspect, labels);
  }
}
