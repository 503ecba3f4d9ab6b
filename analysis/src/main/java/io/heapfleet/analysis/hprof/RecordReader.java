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
public final class RecordReader {
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

  public int readUnsignedShort() throws IOException {
    return readShort() & 0xFFFF;
  }

  public char readChar() throws IOException {
    return (char) readShort();
  }

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
  public long readId() throws IOException {
    if (idSize == 8) {
      return readLong();
    }
    return readInt() & 0xFFFFFFFFL;
  }

  /**
   * A value of the given type as a long: ids as ids, primitives as their raw bits (booleans and
   * bytes sign-extended, chars zero-extended, floats/doubles as IEEE bits).
   */
  public long readValue(BasicType type) throws IOException {
    return switch (type) {
      case OBJECT -> readId();
      case BOOLEAN, BYTE -> readByte();
      case CHAR -> readChar();
      case SHORT -> readShort();
      case FLOAT, INT -> readInt();
      case DOUBLE, LONG -> readLong();
    };
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
      throw new HprofFormatException(bufferStart, "Cannot read the input: " + describe(e), e);
    }
    bufferStart += skipped;
    if (skipped < rest) {
      throw new HprofFormatException(
          bufferStart, "Unexpected end of input: " + (rest - skipped) + " more bytes expected");
    }
  }

  /** Skips forward to absolute offset {@code target}. */
  void skipTo(long target) throws IOException {
    long n = target - position();
    if (n < 0) {
      throw new HprofFormatException(
          position(), "A record was read past its end, which is at offset " + target);
    }
    skip(n);
  }

  /** Makes at least {@code need} bytes available after {@code pos} or fails as truncated. */
  private void fill(int need) throws IOException {
    if (!tryFill(need)) {
      throw new HprofFormatException(
          bufferStart + limit,
          "Unexpected end of input: "
              + need
              + "-byte value expected, only "
              + (limit - pos)
              + " bytes left");
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
        throw new HprofFormatException(
            bufferStart + limit, "Cannot read the input: " + describe(e), e);
      }
      if (n < 0) {
        return false;
      }
      limit += n;
    }
    return true;
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + m;
  }

  void close() throws IOException {
    source.close();
  }
}
