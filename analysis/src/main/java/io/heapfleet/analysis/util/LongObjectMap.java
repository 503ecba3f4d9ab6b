package io.heapfleet.analysis.util;

/**
 * An open-addressing hash map from {@code long} keys (string or class ids) to objects, without
 * boxing the keys. Not thread-safe.
 *
 * @param <V> value type
 */
public final class LongObjectMap<V> {
  private final LongIntMap index;
  private Object[] values;
  private int size;

  public LongObjectMap(int expected) {
    index = new LongIntMap(expected, -1);
    values = new Object[Math.max(4, expected)];
  }

  /** The value for {@code key}, or {@code null}. */
  @SuppressWarnings("unchecked")
  public V get(long key) {
    int i = index.get(key);
    return i < 0 ? null : (V) values[i];
  }

  public void put(long key, V value) {
    int i = index.get(key);
    if (i >= 0) {
      values[i] = value;
      return;
    }
    if (size == values.length) {
      values = java.util.Arrays.copyOf(values, size * 2);
    }
    values[size] = value;
    index.put(key, size++);
  }

  public int size() {
    return size;
  }
}
