package io.heapfleet.analysis.hprof;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * One gzip member (RFC 1952) of a file, inflated on demand from a given compressed offset: parses
 * the header, streams the decompressed bytes, and checks the trailer (CRC-32 and length) when the
 * deflate data ends. Every error names the member's compressed offset. Used both by the workers of
 * {@link ParallelGzipInputStream} (speculatively, from candidate offsets) and by its consumer (from
 * the offset where the previous member ended). Not thread-safe; the file channel is read only with
 * positional reads, so many members may read one channel at once.
 */
final class GzipMember {
  /** Longest header accepted (file name and comment included); HotSpot's is 35 bytes. */
  static final int MAX_HEADER = 64 * 1024;

  private static final int FHCRC = 0x02;
  private static final int FEXTRA = 0x04;
  private static final int FNAME = 0x08;
  private static final int FCOMMENT = 0x10;
  private static final int RESERVED = 0xE0;

  private final FileChannel channel;
  private final long fileSize;
  private final long start;
  private final Inflater inflater;
  private final byte[] in;
  private final CRC32 crc = new CRC32();
  private long dataStart;
  private long nextInput;
  private long produced;
  private long end = -1;

  private GzipMember(FileChannel channel, long fileSize, long start, Inflater inflater, byte[] in) {
    this.channel = channel;
    this.fileSize = fileSize;
    this.start = start;
    this.inflater = inflater;
    this.in = in;
  }

  /**
   * Parses the member header at {@code start} and prepares to inflate. {@code inflater} must be a
   * raw ({@code nowrap}) inflater, reset here; {@code in} is the compressed-input buffer (≥ 64 KB).
   */
  static GzipMember open(
      FileChannel channel, long fileSize, long start, Inflater inflater, byte[] in)
      throws IOException {
    GzipMember m = new GzipMember(channel, fileSize, start, inflater, in);
    m.readHeader();
    return m;
  }

  /** Whether the bytes at {@code p} can start a gzip member (magic, deflate, no reserved flags). */
  static boolean looksLikeHeader(byte[] b, int p, int limit) {
    return p + 3 < limit
        && b[p] == 0x1f
        && b[p + 1] == (byte) 0x8b
        && b[p + 2] == 8
        && (b[p + 3] & RESERVED) == 0;
  }

  private void readHeader() throws IOException {
    int n = readAt(start, in, 0, (int) Math.min(in.length, fileSize - start));
    if (n < 10) {
      throw new EOFException(where() + " is truncated: the input ends inside its 10-byte header");
    }
    if (!looksLikeHeader(in, 0, n)) {
      throw new ZipException(
          where() + ": expected a gzip header (1f 8b 08), found " + hex(in, Math.min(n, 4)));
    }
    int flags = in[3] & 0xFF;
    int p = 10;
    if ((flags & FEXTRA) != 0) {
      p = need(p, 2, n);
      int xlen = (in[p] & 0xFF) | (in[p + 1] & 0xFF) << 8;
      p = need(p + 2, xlen, n) + xlen;
    }
    if ((flags & FNAME) != 0) {
      p = skipZeroTerminated(p, n);
    }
    if ((flags & FCOMMENT) != 0) {
      p = skipZeroTerminated(p, n);
    }
    if ((flags & FHCRC) != 0) {
      p = need(p, 2, n);
      CRC32 headerCrc = new CRC32();
      headerCrc.update(in, 0, p);
      int expected = (in[p] & 0xFF) | (in[p + 1] & 0xFF) << 8;
      if (((int) headerCrc.getValue() & 0xFFFF) != expected) {
        throw new ZipException(where() + ": header checksum mismatch");
      }
      p += 2;
    }
    dataStart = start + p;
    inflater.reset();
    inflater.setInput(in, p, n - p);
    nextInput = start + n;
  }

  /** Checks that {@code len} header bytes follow {@code p}; returns {@code p}. */
  private int need(int p, int len, int n) throws IOException {
    if (p + len > n) {
      throw headerTooLong(n);
    }
    return p;
  }

  private int skipZeroTerminated(int p, int n) throws IOException {
    while (p < n && in[p] != 0) {
      p++;
    }
    if (p >= n) {
      throw headerTooLong(n);
    }
    return p + 1;
  }

  private IOException headerTooLong(int n) {
    return start + n >= fileSize
        ? new EOFException(where() + " is truncated: the input ends inside its header")
        : new ZipException(where() + ": header longer than " + in.length + " bytes");
  }

  /**
   * Inflates up to {@code len} (> 0) bytes into {@code dst}; -1 once the member's data ended and
   * its trailer matched.
   */
  int read(byte[] dst, int off, int len) throws IOException {
    if (end >= 0) {
      return -1;
    }
    while (true) {
      int k;
      try {
        k = inflater.inflate(dst, off, len);
      } catch (DataFormatException e) {
        throw new ZipException(where() + ": corrupt deflate data (" + e.getMessage() + ")");
      }
      if (k > 0) {
        crc.update(dst, off, k);
        produced += k;
        return k;
      }
      if (inflater.finished()) {
        checkTrailer();
        return -1;
      }
      if (inflater.needsDictionary()) {
        throw new ZipException(where() + ": deflate data asks for a preset dictionary");
      }
      if (inflater.needsInput()) {
        int n = readAt(nextInput, in, 0, (int) Math.min(in.length, fileSize - nextInput));
        if (n <= 0) {
          throw new EOFException(
              where() + " is truncated: the input ends at byte " + fileSize + " inside its data");
        }
        inflater.setInput(in, 0, n);
        nextInput += n;
      }
    }
  }

  private void checkTrailer() throws IOException {
    long trailer = dataStart + inflater.getBytesRead();
    byte[] t = new byte[8];
    if (readAt(trailer, t, 0, (int) Math.min(8, Math.max(0, fileSize - trailer))) < 8) {
      throw new EOFException(
          where() + " is truncated: the input ends inside its 8-byte trailer at " + trailer);
    }
    ByteBuffer le = ByteBuffer.wrap(t).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    long crcValue = le.getInt(0) & 0xFFFFFFFFL;
    long size = le.getInt(4) & 0xFFFFFFFFL;
    if (crcValue != crc.getValue()) {
      throw new ZipException(
          where()
              + ": CRC-32 mismatch (trailer says "
              + Long.toHexString(crcValue)
              + ", data gives "
              + Long.toHexString(crc.getValue())
              + ")");
    }
    if (size != (produced & 0xFFFFFFFFL)) {
      throw new ZipException(
          where() + ": length mismatch (trailer says " + size + ", data gives " + produced + ")");
    }
    end = trailer + 8;
  }

  private int readAt(long position, byte[] dst, int off, int len) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(dst, off, len);
    long p = position;
    while (b.hasRemaining()) {
      int k = channel.read(b, p);
      if (k < 0) {
        break;
      }
      p += k;
    }
    return b.position() - off;
  }

  /** Compressed offset where this member starts. */
  long start() {
    return start;
  }

  /** Compressed offset just past this member's trailer; valid once {@link #read} returned -1. */
  long end() {
    return end;
  }

  /** Decompressed bytes so far. */
  long produced() {
    return produced;
  }

  private String where() {
    return "gzip member at compressed offset " + start;
  }

  private static String hex(byte[] b, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : " ").append(String.format("%02x", b[i] & 0xFF));
    }
    return sb.toString();
  }
}
