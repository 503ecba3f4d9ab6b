package io.heapfleet.analysis.internal.graph;

import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.MappedByteBuffer;

/**
 * An {@link IntArray} spilled to a memory-mapped temp file, split into mappings of at most 1 GiB (a
 * single {@link MappedByteBuffer} is limited to 2 GiB). The file is owned and deleted by the {@link
 * ArrayAllocator} that made it.
 */
final class MappedIntArray extends IntArray {
  static final int SHIFT = 28; // 2^28 ints = 1 GiB per mapping
  private static final long MASK = (1L << SHIFT) - 1;
  private final IntBuffer[] chunks;
  private final long length;

  MappedIntArray(MappedByteBuffer[] mappings, long length) {
    this.chunks = new IntBuffer[mappings.length];
    for (int i = 0; i < mappings.length; i++) {
      chunks[i] = mappings[i].order(ByteOrder.nativeOrder()).asIntBuffer();
    }
    this.length = length;
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public int get(long index) {
    return chunks[(int) (index >>> SHIFT)].get((int) (index & MASK));
  }

  @Override
  public void set(long index, int value) {
    chunks[(int) (index >>> SHIFT)].put((int) (index & MASK), value);
  }
}
