package io.heapfleet.analysis.internal.graph;

import java.util.Arrays;

/**
 * The object ids of a dump, sorted and without duplicates, in an {@link ArrayAllocator} array (so
 * it spills like the rest of the graph). Ids arrive in stream order: HotSpot writes the class
 * objects first and then the heap in address order, so the stream is a few ascending runs rather
 * than random. Sorting works like an external sort with a bounded heap: runs of {@value #RUN} ids
 * are sorted on the heap one at a time (8 MB), written back, then merged in one pass with a small
 * binary heap of run heads. An already ascending stream is only copied.
 *
 * @param ids strictly ascending in {@code [0, count)} (the array may be longer)
 * @param count number of distinct ids
 * @param streamOrder true if the stream was strictly ascending: node {@code i} is stream object
 *     {@code i}
 */
record SortedIds(LongArray ids, int count, boolean streamOrder) {
  static final int RUN = 1 << 20;

  /** Sorts {@code stream} (size below 2^31) into a new array from {@code allocator}. */
  static SortedIds of(LongChunks stream, ArrayAllocator allocator) {
    return of(stream, allocator, RUN);
  }

  /** As {@link #of(LongChunks, ArrayAllocator)} with runs of {@code run} ids (tests use short). */
  static SortedIds of(LongChunks stream, ArrayAllocator allocator, int run) {
    long n = stream.size();
    LongArray out = allocator.longs(n);
    boolean ascending = true;
    for (long i = 0; i < n; i++) {
      long id = stream.get(i);
      out.set(i, id);
      if (i > 0 && id <= out.get(i - 1)) {
        ascending = false;
      }
    }
    if (ascending) {
      return new SortedIds(out, (int) n, true);
    }
    // Sorted runs, written over the copy.
    long[] buffer = new long[(int) Math.min(run, n)];
    for (long start = 0; start < n; start += run) {
      int length = (int) Math.min(run, n - start);
      for (int k = 0; k < length; k++) {
        buffer[k] = out.get(start + k);
      }
      Arrays.sort(buffer, 0, length);
      for (int k = 0; k < length; k++) {
        out.set(start + k, buffer[k]);
      }
    }
    buffer = null;
    if (n <= run) {
      return new SortedIds(out, dedupeInPlace(out, n), false);
    }
    LongArray merged = allocator.longs(n);
    int count = merge(out, n, run, merged);
    allocator.release(out);
    return new SortedIds(merged, count, false);
  }

  private static int dedupeInPlace(LongArray a, long n) {
    int unique = 0;
    for (long i = 0; i < n; i++) {
      long v = a.get(i);
      if (unique == 0 || v != a.get(unique - 1)) {
        a.set(unique++, v);
      }
    }
    return unique;
  }

  /** Merges the sorted runs of {@code runs} into {@code out}, dropping duplicates. */
  private static int merge(LongArray runs, long n, int run, LongArray out) {
    int k = (int) ((n + run - 1) / run);
    long[] next = new long[k]; // next unread index of each run
    long[] end = new long[k];
    int[] heap = new int[k]; // run numbers, ordered by their next value
    int heapSize = 0;
    for (int r = 0; r < k; r++) {
      next[r] = (long) r * run;
      end[r] = Math.min(n, next[r] + run);
      heap[heapSize] = r;
      siftUp(heap, heapSize++, runs, next);
    }
    int unique = 0;
    long last = 0;
    while (heapSize > 0) {
      int r = heap[0];
      long v = runs.get(next[r]++);
      if (unique == 0 || v != last) {
        out.set(unique++, v);
        last = v;
      }
      if (next[r] == end[r]) {
        heap[0] = heap[--heapSize];
      }
      siftDown(heap, heapSize, runs, next);
    }
    return unique;
  }

  private static void siftUp(int[] heap, int i, LongArray runs, long[] next) {
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (runs.get(next[heap[parent]]) <= runs.get(next[heap[i]])) {
        return;
      }
      swap(heap, i, parent);
      i = parent;
    }
  }

  private static void siftDown(int[] heap, int size, LongArray runs, long[] next) {
    int i = 0;
    while (true) {
      int left = 2 * i + 1;
      if (left >= size) {
        return;
      }
      int smallest = left;
      int right = left + 1;
      if (right < size && runs.get(next[heap[right]]) < runs.get(next[heap[left]])) {
        smallest = right;
      }
      if (runs.get(next[heap[i]]) <= runs.get(next[heap[smallest]])) {
        return;
      }
      swap(heap, i, smallest);
      i = smallest;
    }
  }

  private static void swap(int[] heap, int a, int b) {
    int t = heap[a];
    heap[a] = heap[b];
    heap[b] = t;
  }
}
