package io.heapfleet.analysis.internal.graph;

import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.Arrays;

/**
 * An append-only list of longs in fixed 1M-element chunks: growing never copies what is already
 * stored, so collecting tens of millions of values costs their size and no more. Used while a dump
 * is streamed, before the final array sizes are known. With an {@link ArrayAllocator}, a chunk is
 * kept on the heap only while the allocator's budget allows; later chunks go to one memory-mapped
 * temp file per list, so a dump bigger than the heap can still be collected. Values can be
 * overwritten in place ({@link #set}), which lets a later pass reuse the storage. Not thread-safe.
 */
final class LongChunks {
  private static final int SHIFT = 20;
  private static final int CHUNK = 1 << SHIFT;
  private static final int MASK = CHUNK - 1;
  private static final long CHUNK_BYTES = (long) CHUNK * Long.BYTES;

  private final ArrayAllocator allocator;
  private ArrayAllocator.SpillFile spill;
  private long[][] chunks = new long[4][];
  private LongBuffer[] mapped = new LongBuffer[4];
  private long heapReserved;
  private long size;

  /** A list that stays on the heap. */
  LongChunks() {
    this(null);
  }

  /** A list whose chunks spill through {@code allocator} once its heap budget is used up. */
  LongChunks(ArrayAllocator allocator) {
    this.allocator = allocator;
  }

  void add(long value) {
    int c = (int) (size >>> SHIFT);
    int i = (int) (size & MASK);
    if (c == chunks.length) {
      chunks = Arrays.copyOf(chunks, c * 2);
      mapped = Arrays.copyOf(mapped, c * 2);
    }
    long[] chunk = chunks[c];
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

  private long[] startChunk(int c) {
    if (allocator == null || allocator.reserveHeap(CHUNK_BYTES)) {
      heapReserved += allocator == null ? 0 : CHUNK_BYTES;
      return chunks[c] = new long[c == 0 ? 256 : CHUNK];
    }
    if (spill == null) {
      spill = allocator.spillFile();
    }
    mapped[c] =
        spill.map(c * CHUNK_BYTES, CHUNK_BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
    return null;
  }

  long get(long index) {
    int c = (int) (index >>> SHIFT);
    long[] chunk = chunks[c];
    return chunk != null ? chunk[(int) (index & MASK)] : mapped[c].get((int) (index & MASK));
  }

  /** Overwrites the value at {@code index} (below {@link #size()}). */
  void set(long index, long value) {
    int c = (int) (index >>> SHIFT);
    long[] chunk = chunks[c];
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
    for (long[] chunk : chunks) {
      bytes += chunk == null ? 0 : (long) chunk.length * Long.BYTES;
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
    chunks = new long[1][];
    mapped = new LongBuffer[1];
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
