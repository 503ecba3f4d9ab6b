package io.heapfleet.analysis.internal.util;

import java.util.Arrays;

/**
 * An open-addressing hash map from {@code long} keys (object or class ids) to {@code int} values,
 * with no boxing: two flat arrays and linear probing. Memory is about 12 bytes per slot at a load
 * factor of at most 0.5. Not thread-safe.
 */
public final class LongIntMap {
  private static final long EMPTY = 0;

  private long[] keys;
  private int[] values;
  private int mask;
  private int size;
  private boolean hasZeroKey;
  private int zeroValue;
  private final int missing;

  /**
   * @param expected expected number of entries (the map grows beyond it)
   * @param missing the value {@link #get} returns for an absent key
   */
  public LongIntMap(int expected, int missing) {
    int capacity = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
    keys = new long[capacity];
    values = new int[capacity];
    mask = capacity - 1;
    this.missing = missing;
  }

  private static int hash(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }

  /** The value for {@code key}, or the {@code missing} value given to the constructor. */
  public int get(long key) {
    if (key == EMPTY) {
      return hasZeroKey ? zeroValue : missing;
    }
    long[] k = keys;
    int m = mask;
    int i = hash(key) & m;
    while (true) {
      long candidate = k[i];
      if (candidate == key) {
        return values[i];
      }
      if (candidate == EMPTY) {
        return missing;
      }
      i = (i + 1) & m;
    }
  }

  /** Associates {@code value} with {@code key}, replacing any previous value. */
  public void put(long key, int value) {
    if (key == EMPTY) {
      if (!hasZeroKey) {
        size++;
      }
      hasZeroKey = true;
      zeroValue = value;
      return;
    }
    int i = hash(key) & mask;
    while (true) {
      long candidate = keys[i];
      if (candidate == key) {
        values[i] = value;
        return;
      }
      if (candidate == EMPTY) {
        keys[i] = key;
        values[i] = value;
        if (++size * 2 > keys.length) {
          grow();
        }
        return;
      }
      i = (i + 1) & mask;
    }
  }

  public int size() {
    return size;
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldValues = values;
    keys = new long[oldKeys.length * 2];
    values = new int[oldKeys.length * 2];
    mask = keys.length - 1;
    int zero = hasZeroKey ? 1 : 0;
    size = zero;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != EMPTY) {
        put(oldKeys[i], oldValues[i]);
      }
    }
  }

  @Override
  public String toString() {
    return "LongIntMap[size=" + size + ", capacity=" + keys.length + "]";
  }

  /** Removes every entry, keeping the capacity. */
  public void clear() {
    Arrays.fill(keys, EMPTY);
    size = 0;
    hasZeroKey = false;
  }
}
