package io.heapfleet.analysis.internal.dominator;

import java.util.Arrays;

/** A growable stack of ints, so deep graphs never recurse on the Java stack. Not thread-safe. */
final class IntStack {
  private int[] values = new int[1024];
  private int size;

  void push(int v) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = v;
  }

  int pop() {
    return values[--size];
  }

  int peek() {
    return values[size - 1];
  }

  void setTop(int v) {
    values[size - 1] = v;
  }

  boolean isEmpty() {
    return size == 0;
  }

  int size() {
    return size;
  }

  int get(int i) {
    return values[i];
  }

  void clear() {
    size = 0;
  }
}
