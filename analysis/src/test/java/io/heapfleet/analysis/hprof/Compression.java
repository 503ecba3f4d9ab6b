package io.heapfleet.analysis.hprof;

import io.airlift.compress.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/** Compresses test dumps the ways heapfleet meets them. */
public final class Compression {
  private Compression() {}

  public static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  public static byte[] zstd(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZstdOutputStream z = new ZstdOutputStream(out)) {
      z.write(data);
    }
    return out.toByteArray();
  }

  /**
   * HotSpot's {@code -gz} format: independent gzip members of {@code blockSize} uncompressed bytes,
   * each with the comment {@code HPROF BLOCKSIZE=<blockSize>}.
   */
  public static byte[] chunkedGzip(byte[] data, int blockSize) throws IOException {
    return chunkedGzip(data, blockSize, Deflater.DEFAULT_COMPRESSION);
  }

  /**
   * {@link #chunkedGzip(byte[], int)} at a given deflate level; {@link Deflater#NO_COMPRESSION}
   * stores the data verbatim (so byte patterns in it appear as-is in the compressed file).
   */
  public static byte[] chunkedGzip(byte[] data, int blockSize, int level) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int off = 0; off < data.length; off += blockSize) {
      int len = Math.min(blockSize, data.length - off);
      writeMember(out, data, off, len, "HPROF BLOCKSIZE=" + blockSize, level);
    }
    return out.toByteArray();
  }

  /** One gzip member with a comment, as HotSpot writes them. */
  public static void writeMember(
      OutputStream out, byte[] data, int off, int len, String comment, int level)
      throws IOException {
    out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0x10, 0, 0, 0, 0, 0, (byte) 0xff});
    out.write(comment.getBytes(StandardCharsets.US_ASCII));
    out.write(0);
    Deflater deflater = new Deflater(level, true);
    deflater.setInput(data, off, len);
    deflater.finish();
    byte[] buf = new byte[64 * 1024];
    while (!deflater.finished()) {
      int n = deflater.deflate(buf);
      out.write(buf, 0, n);
    }
    deflater.end();
    CRC32 crc = new CRC32();
    crc.update(data, off, len);
    writeIntLe(out, (int) crc.getValue());
    writeIntLe(out, len);
  }

  private static void writeIntLe(OutputStream out, int v) throws IOException {
    out.write(v);
    out.write(v >>> 8);
    out.write(v >>> 16);
    out.write(v >>> 24);
  }
}
