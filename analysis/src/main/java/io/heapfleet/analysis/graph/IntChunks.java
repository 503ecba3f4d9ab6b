package io.heapfleet.analysis.graph;

import java.util.Arrays;

/** The {@code int} twin of {@link LongChunks}. Not thread-safe. */
final class IntChunks {
  private static final int SHIFT = 20;
  private static final int CHUNK = 1 << SHIFT;
  private static final int MASK = CHUNK - 1;
  private int[][] chunks = new int[4][];
  private long size;

  void add(int value) {
    int c = (int) (size >>> SHIFT);
    if (c == chunks.length) {
      chunks = Arrays.copyOf(chunks, c * 2);
    }
    int[] chunk = chunks[c];
    int i = (int) (size & MASK);
    if (chunk == null || i == chunk.length) {
      // The first chunk grows from small so that tiny graphs stay tiny; later ones are full.
      chunk =
          chunks[c] =
              chunk == null
                  ? new int[c == 0 ? 256 : CHUNK]
                  : Arrays.copyOf(chunk, Math.min(CHUNK, chunk.length * 2));
    }
    chunk[i] = value;
    size++;
  }

  int get(long index) {
    return chunks[(int) (index >>> SHIFT)][(int) (index & MASK)];
  }

  long size() {
    return size;
  }

  void releaseBefore(long index) {
    int c = (int) (index >>> SHIFT);
    for (int i = 0; i < c && i < chunks.length; i++) {
      chunks[i] = null;
    }
  }
}
