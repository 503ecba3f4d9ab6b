package io.heapfleet.endpoint;

import io.heapfleet.auth.Compression;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Encodes a dump stream that starts before the dump exists: the stream's first bytes go out at
 * once, {@link #keepAlive()} sends a few bytes that decode to nothing while the dump is written,
 * then {@link #data} encodes the dump and {@link #finish} ends the stream; the figures known only
 * after the dump travel in a {@link StreamTrailer} record. Every prefix a decoder sees is a valid
 * stream so far, and the complete stream decodes to exactly the dump.
 *
 * <ul>
 *   <li>gzip: the 10-byte gzip header, then per keep-alive an empty stored deflate block ({@code 00
 *       00 00 ff ff}, what a zlib sync flush writes); the dump is raw deflate from there, then
 *       CRC-32 and size.
 *   <li>zstd: per keep-alive an empty frame (9 bytes); then the record as a skippable frame, then
 *       the dump's frames.
 * </ul>
 *
 * <p>Not thread-safe: the caller serialises {@link #keepAlive()} with the other calls.
 */
public final class KeepAliveEncoder {

  private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
  private static final byte[] EMPTY_STORED_BLOCK = {0, 0, 0, (byte) 0xff, (byte) 0xff};

  /**
   * A zstd frame with no content: magic, single-segment header with content size 0, one empty last
   * raw block. Every zstd decoder reads it (skippable frames are not read by all of them).
   */
  public static final byte[] EMPTY_ZSTD_FRAME = {
    0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0x20, 0, 1, 0, 0
  };

  private final Compression format;
  private final OutputStream out;
  private OutputStream data;
  private Map<String, String> record;

  private KeepAliveEncoder(Compression format, OutputStream out) {
    this.format = format;
    this.out = out;
  }

  /** Starts the stream on {@code out} (gzip: writes its header) and flushes it. */
  public static KeepAliveEncoder start(Compression format, OutputStream out) throws IOException {
    if (format == Compression.RAW) {
      throw new IllegalArgumentException("raw HPROF has no bytes that decode to nothing");
    }
    KeepAliveEncoder e = new KeepAliveEncoder(format, out);
    if (format == Compression.GZIP) {
      out.write(GZIP_HEADER);
    }
    out.flush();
    return e;
  }

  /** Sends bytes that decode to nothing and flushes them; only before {@link #data}. */
  public void keepAlive() throws IOException {
    if (data != null) {
      throw new IllegalStateException("the dump is already being encoded");
    }
    out.write(format == Compression.GZIP ? EMPTY_STORED_BLOCK : EMPTY_ZSTD_FRAME);
    out.flush();
  }

  /**
   * Ends the keep-alive and returns the stream that encodes the dump's bytes (closing it does not
   * end the response). zstd: the {@link StreamTrailer} record goes first, as a skippable frame.
   */
  public OutputStream data(Map<String, String> record) throws IOException {
    if (data != null) {
      throw new IllegalStateException("data() was already called");
    }
    this.record = record;
    if (format == Compression.GZIP) {
      data = new RawGzipBody(out);
    } else {
      out.write(StreamTrailer.encode(format, record));
      data = new ZstdFramesOutputStream(new LeaveOpenOutputStream(out));
    }
    return data;
  }

  /**
   * Finishes the dump's encoding and flushes (never closes) the stream. gzip: the {@link
   * StreamTrailer} record follows, as an empty gzip member.
   */
  public void finish() throws IOException {
    if (data == null) {
      throw new IllegalStateException("data() was never called");
    }
    data.close();
    if (format == Compression.GZIP) {
      out.write(StreamTrailer.encode(format, record));
    }
    out.flush();
  }

  /** Raw deflate of the dump, then the gzip member's CRC-32 and size (the header is sent). */
  private static final class RawGzipBody extends FilterOutputStream {
    private final Deflater deflater = new Deflater(WireEncoding.GZIP_LEVEL, true);
    private final DeflaterOutputStream deflate;
    private final CRC32 crc = new CRC32();
    private long size;
    private boolean closed;

    RawGzipBody(OutputStream out) {
      super(out);
      this.deflate = new DeflaterOutputStream(new LeaveOpenOutputStream(out), deflater, 64 * 1024);
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      deflate.write(b, off, len);
      crc.update(b, off, len);
      size += len;
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      try {
        deflate.finish();
        int c = (int) crc.getValue();
        int s = (int) size;
        out.write(
            new byte[] {
              (byte) c, (byte) (c >>> 8), (byte) (c >>> 16), (byte) (c >>> 24),
              (byte) s, (byte) (s >>> 8), (byte) (s >>> 16), (byte) (s >>> 24)
            });
      } finally {
        deflater.end();
      }
    }
  }
}
