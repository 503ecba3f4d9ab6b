package io.heapfleet.analysis.internal.util;

import java.util.Arrays;

/**
 * An open-addressing hash map from {@code long} keys (string or class ids) to objects, without
 * boxing the keys; values are kept in insertion order. Not thread-safe.
 *
 * @param <V> value type
 */
public final class LongObjectMap<V> {
  private final LongIntMap index;
  private long[] keys;
  private Object[] values;
  private int size;

  public LongObjectMap(int expected) {
    index = new LongIntMap(expected, -1);
    keys = new long[Math.max(4, expected)];
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
      values = Arrays.copyOf(values, size * 2);
      keys = Arrays.copyOf(keys, size * 2);
    }
    keys[size] = key;
    values[size] = value;
    index.put(key, size++);
  }

  public int size() {
    return size;
  }

  /** Receives one entry of {@link #forEach}. */
  public interface EntryConsumer<V> {
    void accept(long key, V value);
  }

  /** Calls {@code consumer} for every entry, in insertion order. */
  @SuppressWarnings("unchecked")
  public void forEach(EntryConsumer<V> consumer) {
    for (int i = 0; i < size; i++) {
      consumer.accept(keys[i], (V) values[i]);
    }
  }
}
