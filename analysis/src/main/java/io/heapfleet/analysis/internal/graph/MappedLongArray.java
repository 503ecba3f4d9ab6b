package io.heapfleet.analysis.internal.graph;

import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.MappedByteBuffer;

/**
 * A {@link LongArray} spilled to a memory-mapped temp file, split into mappings of at most 1 GiB.
 * The file is owned and deleted by the {@link ArrayAllocator} that made it.
 */
final class MappedLongArray extends LongArray {
  static final int SHIFT = 27; // 2^27 longs = 1 GiB per mapping
  private static final long MASK = (1L << SHIFT) - 1;
  private final LongBuffer[] chunks;
  private final long length;

  MappedLongArray(MappedByteBuffer[] mappings, long length) {
    this.chunks = new LongBuffer[mappings.length];
    for (int i = 0; i < mappings.length; i++) {
      chunks[i] = mappings[i].order(ByteOrder.nativeOrder()).asLongBuffer();
    }
    this.length = length;
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public long get(long index) {
    return chunks[(int) (index >>> SHIFT)].get((int) (index & MASK));
  }

  @Override
  public void set(long index, long value) {
    chunks[(int) (index >>> SHIFT)].put((int) (index & MASK), value);
  }
}
