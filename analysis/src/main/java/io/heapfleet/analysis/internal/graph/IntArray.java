package io.heapfleet.analysis.internal.graph;

/**
 * A fixed-length array of {@code int}s, on the heap or in a memory-mapped temp file (see {@link
 * ArrayAllocator}). The graph and the dominator computation keep every per-object and per-edge
 * value in these, never in per-object Java objects.
 *
 * <p>Not thread-safe for writes; concurrent reads after construction are fine.
 */
public abstract sealed class IntArray permits IntArray.OnHeap, MappedIntArray {

  /** Number of elements. */
  public abstract long length();

  public abstract int get(long index);

  public abstract void set(long index, int value);

  /** Fills every element with {@code value}. */
  public void fill(int value) {
    for (long i = 0, n = length(); i < n; i++) {
      set(i, value);
    }
  }

  /** Adds {@code delta} to element {@code index} and returns the new value. */
  public int add(long index, int delta) {
    int v = get(index) + delta;
    set(index, v);
    return v;
  }

  /** The heap-backed form: a plain {@code int[]}. */
  static final class OnHeap extends IntArray {
    private final int[] values;

    OnHeap(int length) {
      this.values = new int[length];
    }

    @Override
    public long length() {
      return values.length;
    }

    @Override
    public int get(long index) {
      return values[(int) index];
    }

    @Override
    public void set(long index, int value) {
      values[(int) index] = value;
    }

    @Override
    public void fill(int value) {
      java.util.Arrays.fill(values, value);
    }
  }
}
