package io.heapfleet.endpoint;

import io.airlift.compress.zstd.ZstdCompressor;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes zstd as a sequence of independent frames, one per {@value #CHUNK}-byte chunk of input.
 * Concatenated frames are one valid zstd stream ({@code zstd -d}, aircompressor's {@code
 * ZstdInputStream} and heapfleet's reader all read them).
 *
 * <p>Why not aircompressor's {@code ZstdOutputStream}: it keeps a window of several MB and grows
 * its buffer to 4x the window, which ran a 64 MB application out of heap mid-dump. Chunked frames
 * bound the memory this endpoint takes from the application to about two chunks, for a ratio a few
 * percent worse. Not thread-safe.
 */
final class ZstdFramesOutputStream extends OutputStream {

  static final int CHUNK = 1 << 20;

  private final OutputStream out;
  private final ZstdCompressor compressor = new ZstdCompressor();
  private final byte[] chunk = new byte[CHUNK];
  private final byte[] compressed = new byte[compressor.maxCompressedLength(CHUNK)];
  private int used;
  private boolean closed;

  ZstdFramesOutputStream(OutputStream out) {
    this.out = out;
  }

  @Override
  public void write(int b) throws IOException {
    if (used == CHUNK) {
      flushChunk();
    }
    chunk[used++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (used == CHUNK) {
        flushChunk();
      }
      int n = Math.min(len, CHUNK - used);
      System.arraycopy(b, off, chunk, used, n);
      used += n;
      off += n;
      len -= n;
    }
  }

  private void flushChunk() throws IOException {
    if (used == 0) {
      return;
    }
    int n = compressor.compress(chunk, 0, used, compressed, 0, compressed.length);
    out.write(compressed, 0, n);
    used = 0;
  }

  @Override
  public void flush() throws IOException {
    // Only whole frames are written; a partial chunk waits for more input or close().
    out.flush();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      flushChunk();
    } finally {
      out.close();
    }
  }
}
