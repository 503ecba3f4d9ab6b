package io.heapfleet.analysis.internal.graph;

/**
 * A fixed-length array of {@code long}s, on the heap or in a memory-mapped temp file (see {@link
 * ArrayAllocator}).
 *
 * <p>Not thread-safe for writes; concurrent reads after construction are fine.
 */
public abstract sealed class LongArray permits LongArray.OnHeap, MappedLongArray {

  /** Number of elements. */
  public abstract long length();

  public abstract long get(long index);

  public abstract void set(long index, long value);

  /** Adds {@code delta} to element {@code index}. */
  public void add(long index, long delta) {
    set(index, get(index) + delta);
  }

  /** The heap-backed form: a plain {@code long[]}. */
  static final class OnHeap extends LongArray {
    private final long[] values;

    OnHeap(int length) {
      this.values = new long[length];
    }

    @Override
    public long length() {
      return values.length;
    }

    @Override
    public long get(long index) {
      return values[(int) index];
    }

    @Override
    public void set(long index, long value) {
      values[(int) index] = value;
    }
  }
}
