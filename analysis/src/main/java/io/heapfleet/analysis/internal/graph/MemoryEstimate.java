package io.heapfleet.analysis.internal.graph;

/**
 * What a deep analysis of a dump with {@code objects} objects and {@code references} non-null
 * references needs: the load (stream buffers and the arrays of the build), the graph and the
 * dominator arrays. All of it is spillable to memory-mapped temp files; what stays on the heap then
 * is about a byte per object plus a fixed base. The per-object and per-reference costs are the
 * exact array sizes of {@link GraphBuilder}, {@link HeapGraph} and the dominator computation; see
 * {@code docs/deep-analysis.md}.
 *
 * @param objects objects in the dump (instances, arrays, classes)
 * @param references non-null references between them
 */
public record MemoryEstimate(long objects, long references) {
  /**
   * The load at its peak: the stream buffers (id, class, size, edge count: 20) while the ids are
   * sorted (a copy in runs and the merged array: 16); later the resolve and CSR steps need less per
   * object (28) but 8 + 4 per reference.
   */
  static final long BUILD_BYTES_PER_OBJECT = 8 + 4 + 4 + 4 + 8 + 8;

  static final long BUILD_BYTES_PER_REFERENCE = 8 + 4;

  /**
   * Heap per object when everything big spills: a bit per object while the build checks for
   * duplicate ids and while owners are counted, the id bucket table (up to half an int).
   */
  static final long SPILLED_HEAP_BYTES_PER_OBJECT = 1;

  /** Heap for everything not per object when spilling: JVM, classes, strings, sort buffer. */
  static final long SPILLED_HEAP_BASE_BYTES = 256L << 20;

  /** The graph: id, class, shallow size, edge offset; one int per reference. */
  public static final long GRAPH_BYTES_PER_OBJECT = 8 + 4 + 4 + 4;

  public static final long GRAPH_BYTES_PER_REFERENCE = 4;

  /** Dominator computation: preorder, vertex, parent/idom, semi, label, ancestor, pred offsets. */
  static final long DOMINATOR_WORK_BYTES_PER_OBJECT = 7 * 4;

  static final long DOMINATOR_WORK_BYTES_PER_REFERENCE = 4;

  /** The kept result: preorder, vertex, idom (4 each) and retained size (8). */
  public static final long DOMINATOR_BYTES_PER_OBJECT = 4 + 4 + 4 + 8;

  /** Memory the load needs at its peak, on the heap or spilled. */
  public long buildHeapBytes() {
    return objects * BUILD_BYTES_PER_OBJECT + references * BUILD_BYTES_PER_REFERENCE;
  }

  /** Bytes of the graph plus the dominator work arrays at their peak (spillable). */
  public long analysisBytes() {
    return objects * (GRAPH_BYTES_PER_OBJECT + DOMINATOR_WORK_BYTES_PER_OBJECT)
        + references * (GRAPH_BYTES_PER_REFERENCE + DOMINATOR_WORK_BYTES_PER_REFERENCE);
  }

  /** Peak heap when nothing is spilled: the load, or later the graph with the dominator work. */
  public long peakHeapBytes() {
    return Math.max(buildHeapBytes(), analysisBytes());
  }

  /** A {@code -Xmx} value that fits {@link #peakHeapBytes()} with 25% headroom, e.g. {@code 3g}. */
  public String suggestedXmx() {
    return xmx(peakHeapBytes() * 5 / 4 + (64L << 20));
  }

  /** The heap needed when every big array may spill to disk. */
  public long spilledHeapBytes() {
    return objects * SPILLED_HEAP_BYTES_PER_OBJECT + SPILLED_HEAP_BASE_BYTES;
  }

  /** The {@code -Xmx} that suffices when every big array may spill to disk. */
  public String suggestedXmxWithSpill() {
    return xmx(spilledHeapBytes() * 5 / 4);
  }

  static String xmx(long bytes) {
    long mb = (bytes + (1 << 20) - 1) >> 20;
    return mb >= 1024 ? ((mb + 1023) / 1024) + "g" : mb + "m";
  }
}
