package io.heapfleet.analysis.histogram;

/**
 * How big objects are in the JVM that wrote the dump, which HPROF does not record directly. The
 * shallow size of an instance is {@code align8(header + primitive field bytes + references ×
 * referenceSize)}; of an array {@code align8(arrayHeader + length × elementSize)}. These match
 * HotSpot's own sizes (and {@code GC.class_histogram}) for plain classes; HotSpot's field packing
 * can differ by a few bytes for some class hierarchies.
 *
 * <p>The model is detected from the dump: object ids are heap addresses, so the distance between
 * consecutive objects of a contiguous heap region is the real size of the first. The reader counts,
 * for each model, how often a predicted size equals that distance and picks the best (see {@code
 * docs/analysis.md}).
 */
public enum SizeModel {
  /** 64-bit JVM with compressed oops and class pointers (heaps below 32 GB, the default). */
  COMPRESSED_OOPS("compressed-oops", 12, 16, 4),
  /** 64-bit, uncompressed references but compressed class pointers (e.g. heaps of 32 GB+). */
  WIDE_OOPS("wide-oops", 12, 16, 8),
  /** 64-bit with neither compression. */
  UNCOMPRESSED("uncompressed", 16, 24, 8),
  /** A 32-bit JVM (4-byte ids). */
  BITS_32("32-bit", 8, 12, 4),
  /**
   * Not a JVM layout: a V8 heap snapshot records every object's size ({@code self_size}), which is
   * used as it is. The size methods do not apply to it.
   */
  V8("v8-self-size", 0, 0, 0);

  private final String label;
  private final int objectHeader;
  private final int arrayHeader;
  private final int referenceSize;

  SizeModel(String label, int objectHeader, int arrayHeader, int referenceSize) {
    this.label = label;
    this.objectHeader = objectHeader;
    this.arrayHeader = arrayHeader;
    this.referenceSize = referenceSize;
  }

  /** The name used in JSON and text output, e.g. {@code compressed-oops}. */
  public String label() {
    return label;
  }

  public int referenceSize() {
    return referenceSize;
  }

  /** Shallow size of an instance with the given primitive bytes and number of references. */
  public long instanceSize(long primitiveBytes, long references) {
    return align(objectHeader + primitiveBytes + references * referenceSize);
  }

  /** Shallow size of an array of {@code length} elements of {@code elementSize} bytes. */
  public long arraySize(long length, int elementSize) {
    return align(arrayHeader + length * elementSize);
  }

  /** Shallow size of an object array. */
  public long objectArraySize(long length) {
    return align(arrayHeader + length * referenceSize);
  }

  static long align(long size) {
    return (size + 7) & ~7L;
  }

  /** The model for a label, e.g. when reading JSON. */
  public static SizeModel ofLabel(String label) {
    for (SizeModel m : values()) {
      if (m.label.equals(label)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown size model '" + label + "'");
  }
}
