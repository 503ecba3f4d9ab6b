package io.heapfleet.analysis.graph;

/**
 * What a deep analysis of a dump with {@code objects} objects and {@code references} non-null
 * references needs, split into what must be on the Java heap (the build buffers, which are not
 * spillable) and what may live in memory-mapped temp files instead (the graph and the dominator
 * arrays). The per-object and per-reference costs are the exact array sizes of {@link
 * GraphBuilder}, {@link HeapGraph} and the dominator computation; see {@code
 * docs/deep-analysis.md}.
 *
 * @param objects objects in the dump (instances, arrays, classes)
 * @param references non-null references between them
 */
public record MemoryEstimate(long objects, long references) {
  /** Build buffers while streaming: ids, class, size, edge count, raw target ids. */
  static final long BUILD_BYTES_PER_OBJECT = 8 + 4 + 4 + 4 + 8 + 4;

  static final long BUILD_BYTES_PER_REFERENCE = 8 + 4;

  /** The graph: id, class, shallow size, edge offset; one int per reference. */
  public static final long GRAPH_BYTES_PER_OBJECT = 8 + 4 + 4 + 4;

  public static final long GRAPH_BYTES_PER_REFERENCE = 4;

  /** Dominator computation: preorder, vertex, parent/idom, semi, label, ancestor, pred offsets. */
  static final long DOMINATOR_WORK_BYTES_PER_OBJECT = 7 * 4;

  static final long DOMINATOR_WORK_BYTES_PER_REFERENCE = 4;

  /** The kept result: preorder, vertex, idom (4 each) and retained size (8). */
  public static final long DOMINATOR_BYTES_PER_OBJECT = 4 + 4 + 4 + 8;

  /** Heap needed while the dump is streamed (not spillable). */
  public long buildHeapBytes() {
    return objects * BUILD_BYTES_PER_OBJECT + references * BUILD_BYTES_PER_REFERENCE;
  }

  /** Bytes of the graph plus the dominator work arrays at their peak (spillable). */
  public long analysisBytes() {
    return objects * (GRAPH_BYTES_PER_OBJECT + DOMINATOR_WORK_BYTES_PER_OBJECT)
        + references * (GRAPH_BYTES_PER_REFERENCE + DOMINATOR_WORK_BYTES_PER_REFERENCE);
  }

  /** Peak heap when nothing is spilled: the build buffers and graph overlap briefly. */
  public long peakHeapBytes() {
    long graph = objects * GRAPH_BYTES_PER_OBJECT + references * GRAPH_BYTES_PER_REFERENCE;
    return Math.max(buildHeapBytes() + graph, analysisBytes());
  }

  /** A {@code -Xmx} value that fits {@link #peakHeapBytes()} with 25% headroom, e.g. {@code 3g}. */
  public String suggestedXmx() {
    return xmx(peakHeapBytes() * 5 / 4 + (64L << 20));
  }

  /** The {@code -Xmx} for the build buffers alone (when the rest is spilled). */
  public String suggestedXmxWithSpill() {
    return xmx(buildHeapBytes() * 5 / 4 + (64L << 20));
  }

  static String xmx(long bytes) {
    long mb = (bytes + (1 << 20) - 1) >> 20;
    return mb >= 1024 ? ((mb + 1023) / 1024) + "g" : mb + "m";
  }

  /** Human size, e.g. {@code 1.4 GB}. */
  public static String human(long bytes) {
    if (bytes < 1024 * 1024) {
      return (bytes / 1024) + " KB";
    }
    if (bytes < 1024L * 1024 * 1024) {
      return String.format("%.1f MB", bytes / (1024.0 * 1024));
    }
    return String.format("%.1f GB", bytes / (1024.0 * 1024 * 1024));
  }
}
