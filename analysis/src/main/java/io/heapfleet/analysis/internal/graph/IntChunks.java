package io.heapfleet.analysis.internal.graph;

import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.util.Arrays;

/**
 * The {@code int} twin of {@link LongChunks}, spilling the same way. A copy on purpose: a generic
 * or boxed list would cost an object per value on the graph's hottest path. Not thread-safe.
 */
final class IntChunks {
  private static final int SHIFT = 20;
  private static final int CHUNK = 1 << SHIFT;
  private static final int MASK = CHUNK - 1;
  private static final long CHUNK_BYTES = (long) CHUNK * Integer.BYTES;

  private final ArrayAllocator allocator;
  private ArrayAllocator.SpillFile spill;
  private int[][] chunks = new int[4][];
  private IntBuffer[] mapped = new IntBuffer[4];
  private long heapReserved;
  private long size;

  /** A list that stays on the heap. */
  IntChunks() {
    this(null);
  }

  /** A list whose chunks spill through {@code allocator} once its heap budget is used up. */
  IntChunks(ArrayAllocator allocator) {
    this.allocator = allocator;
  }

  void add(int value) {
    int c = (int) (size >>> SHIFT);
    int i = (int) (size & MASK);
    if (c == chunks.length) {
      chunks = Arrays.copyOf(chunks, c * 2);
      mapped = Arrays.copyOf(mapped, c * 2);
    }
    int[] chunk = chunks[c];
    if (chunk == null && mapped[c] == null) {
      chunk = startChunk(c);
    }
    if (chunk != null) {
      if (i == chunk.length) {
        // The first chunk grows from small so that tiny graphs stay tiny; later ones are full.
        chunk = chunks[c] = Arrays.copyOf(chunk, Math.min(CHUNK, chunk.length * 2));
      }
      chunk[i] = value;
    } else {
      mapped[c].put(i, value);
    }
    size++;
  }

  private int[] startChunk(int c) {
    if (allocator == null || allocator.reserveHeap(CHUNK_BYTES)) {
      heapReserved += allocator == null ? 0 : CHUNK_BYTES;
      return chunks[c] = new int[c == 0 ? 256 : CHUNK];
    }
    if (spill == null) {
      spill = allocator.spillFile();
    }
    mapped[c] =
        spill.map(c * CHUNK_BYTES, CHUNK_BYTES).order(ByteOrder.nativeOrder()).asIntBuffer();
    return null;
  }

  int get(long index) {
    int c = (int) (index >>> SHIFT);
    int[] chunk = chunks[c];
    return chunk != null ? chunk[(int) (index & MASK)] : mapped[c].get((int) (index & MASK));
  }

  /** Overwrites the value at {@code index} (below {@link #size()}). */
  void set(long index, int value) {
    int c = (int) (index >>> SHIFT);
    int[] chunk = chunks[c];
    if (chunk != null) {
      chunk[(int) (index & MASK)] = value;
    } else {
      mapped[c].put((int) (index & MASK), value);
    }
  }

  long size() {
    return size;
  }

  /** Heap bytes this list holds (its on-heap chunks). */
  long heapBytes() {
    long bytes = 0;
    for (int[] chunk : chunks) {
      bytes += chunk == null ? 0 : (long) chunk.length * Integer.BYTES;
    }
    return bytes;
  }

  /** Drops the chunks up to (excluding) the one holding {@code index}, to free memory early. */
  void releaseBefore(long index) {
    int c = (int) (index >>> SHIFT);
    for (int i = 0; i < c && i < chunks.length; i++) {
      chunks[i] = null;
      mapped[i] = null;
    }
  }

  /** Drops every value, gives the heap back to the allocator and deletes the spill file. */
  void discard() {
    chunks = new int[1][];
    mapped = new IntBuffer[1];
    size = 0;
    if (allocator != null) {
      allocator.releaseHeap(heapReserved);
      heapReserved = 0;
    }
    if (spill != null) {
      spill.delete();
      spill = null;
    }
  }
}
