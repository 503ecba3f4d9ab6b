package io.heapfleet.analysis.graph;

import java.util.Arrays;

/**
 * An append-only list of longs in fixed 1M-element chunks: growing never copies what is already
 * stored, so collecting tens of millions of values costs their size and no more. Used while a dump
 * is streamed, before the final array sizes are known. Not thread-safe.
 */
final class LongChunks {
  private static final int SHIFT = 20;
  private static final int CHUNK = 1 << SHIFT;
  private static final int MASK = CHUNK - 1;
  private long[][] chunks = new long[4][];
  private long size;

  void add(long value) {
    int c = (int) (size >>> SHIFT);
    if (c == chunks.length) {
      chunks = Arrays.copyOf(chunks, c * 2);
    }
    long[] chunk = chunks[c];
    int i = (int) (size & MASK);
    if (chunk == null || i == chunk.length) {
      // The first chunk grows from small so that tiny graphs stay tiny; later ones are full.
      chunk =
          chunks[c] =
              chunk == null
                  ? new long[c == 0 ? 256 : CHUNK]
                  : Arrays.copyOf(chunk, Math.min(CHUNK, chunk.length * 2));
    }
    chunk[i] = value;
    size++;
  }

  long get(long index) {
    return chunks[(int) (index >>> SHIFT)][(int) (index & MASK)];
  }

  long size() {
    return size;
  }

  /** Drops the chunks up to (excluding) the one holding {@code index}, to free memory early. */
  void releaseBefore(long index) {
    int c = (int) (index >>> SHIFT);
    for (int i = 0; i < c && i < chunks.length; i++) {
      chunks[i] = null;
    }
  }
}
