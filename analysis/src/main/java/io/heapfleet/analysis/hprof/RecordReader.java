package io.heapfleet.analysis.hprof;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads HPROF primitives from a buffered byte source, each {@code readX()} paired with a cheap
 * {@code skip}, and knows its absolute offset in the (decompressed) HPROF stream so every error
 * names where it happened. A listener given this reader inside a callback may read any prefix of
 * the record body it was handed; the {@link HprofStreamReader} skips the rest.
 *
 * <p>Hot-path design: one big heap array read through big-endian {@link VarHandle} views (the
 * fastest unaligned access on HotSpot), no allocation per read; {@link HprofStreamReader} decodes
 * record headers straight from the array when enough bytes are buffered. Not thread-safe.
 */
public final class RecordReader implements HprofDataInput {
  /** 1 MB: small enough that parsed bytes are still in the CPU cache after the read copied them. */
  static final int BUFFER_SIZE = 1024 * 1024;

  static final VarHandle SHORT =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
  static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final ByteSource source;
  private final ByteBuffer buffer;
  final byte[] buf;
  int pos;
  int limit;

  /** Absolute offset of {@code buf[0]}. */
  long bufferStart;

  private int idSize = 8;

  RecordReader(ByteSource source, int bufferSize) {
    this(source, bufferSize, 0);
  }

  /** A reader whose source is already positioned at absolute offset {@code start}. */
  RecordReader(ByteSource source, int bufferSize, long start) {
    this.source = source;
    this.buf = new byte[bufferSize];
    this.buffer = ByteBuffer.wrap(buf);
    this.bufferStart = start;
  }

  void setIdSize(int idSize) {
    this.idSize = idSize;
  }

  /** Size of identifiers in this dump: 4 or 8. */
  public int idSize() {
    return idSize;
  }

  /** Absolute offset of the next byte to be read. */
  @Override
  public long position() {
    return bufferStart + pos;
  }

  /** Whether the input has no more bytes (may read ahead to find out). */
  boolean atEnd() throws IOException {
    if (pos < limit) {
      return false;
    }
    return !tryFill(1);
  }

  @Override
  public int readUnsignedByte() throws IOException {
    if (pos >= limit) {
      fill(1);
    }
    return buf[pos++] & 0xFF;
  }

  public byte readByte() throws IOException {
    if (pos >= limit) {
      fill(1);
    }
    return buf[pos++];
  }

  public boolean readBoolean() throws IOException {
    return readByte() != 0;
  }

  public short readShort() throws IOException {
    if (limit - pos < 2) {
      fill(2);
    }
    short v = (short) SHORT.get(buf, pos);
    pos += 2;
    return v;
  }

  @Override
  public int readUnsignedShort() throws IOException {
    return readShort() & 0xFFFF;
  }

  public char readChar() throws IOException {
    return (char) readShort();
  }

  @Override
  public int readInt() throws IOException {
    if (limit - pos < 4) {
      fill(4);
    }
    int v = (int) INT.get(buf, pos);
    pos += 4;
    return v;
  }

  /** A u4 as a non-negative long. */
  public long readUnsignedInt() throws IOException {
    return readInt() & 0xFFFFFFFFL;
  }

  @Override
  public long readLong() throws IOException {
    if (limit - pos < 8) {
      fill(8);
    }
    long v = (long) LONG.get(buf, pos);
    pos += 8;
    return v;
  }

  public float readFloat() throws IOException {
    return Float.intBitsToFloat(readInt());
  }

  public double readDouble() throws IOException {
    return Double.longBitsToDouble(readLong());
  }

  /** An object, class or string identifier (4 or 8 bytes), unsigned. */
  @Override
  public long readId() throws IOException {
    if (idSize == 8) {
      return readLong();
    }
    return readInt() & 0xFFFFFFFFL;
  }

  /** Reads exactly {@code length} bytes into {@code dst}. */
  public void readFully(byte[] dst, int offset, int length) throws IOException {
    while (length > 0) {
      if (pos >= limit) {
        fill(1);
      }
      int k = Math.min(length, limit - pos);
      System.arraycopy(buf, pos, dst, offset, k);
      pos += k;
      offset += k;
      length -= k;
    }
  }

  /** Reads {@code length} bytes as modified UTF-8 / UTF-8 text (HPROF STRING records). */
  public String readUtf8(int length) throws IOException {
    byte[] bytes = new byte[length];
    readFully(bytes, 0, length);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** Skips {@code n} bytes; on a file this does not read them. */
  @Override
  public void skip(long n) throws IOException {
    int available = limit - pos;
    if (n <= available) {
      pos += (int) n;
      return;
    }
    long rest = n - available;
    bufferStart += limit;
    pos = 0;
    limit = 0;
    long skipped;
    try {
      skipped = source.skip(rest);
    } catch (HprofFormatException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // A stream skips by reading: decompression errors arrive here too (see tryFill).
      throw HprofRecords.unreadable(bufferStart, e);
    }
    bufferStart += skipped;
    if (skipped < rest) {
      throw HprofRecords.truncatedSkip(bufferStart, rest - skipped);
    }
  }

  /** Skips forward to absolute offset {@code target}. */
  void skipTo(long target) throws IOException {
    long n = target - position();
    if (n < 0) {
      throw HprofRecords.readPastEnd(position(), target);
    }
    skip(n);
  }

  /** Makes at least {@code need} bytes available after {@code pos} or fails as truncated. */
  private void fill(int need) throws IOException {
    if (!tryFill(need)) {
      throw HprofRecords.truncated(bufferStart + limit, need, limit - pos);
    }
  }

  private boolean tryFill(int need) throws IOException {
    if (pos > 0) {
      // Compact: keep the unread tail at the start of the buffer.
      int remaining = limit - pos;
      if (remaining > 0) {
        System.arraycopy(buf, pos, buf, 0, remaining);
      }
      bufferStart += pos;
      pos = 0;
      limit = remaining;
    }
    while (limit < need) {
      buffer.limit(buf.length).position(limit);
      int n;
      try {
        n = source.read(buffer);
      } catch (HprofFormatException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        // Decompressors report corrupt data as ZipException, EOFException or runtime errors.
        throw HprofRecords.unreadable(bufferStart + limit, e);
      }
      if (n < 0) {
        return false;
      }
      limit += n;
    }
    return true;
  }

  void close() throws IOException {
    source.close();
  }
}
