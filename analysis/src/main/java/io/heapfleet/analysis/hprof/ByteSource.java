package io.heapfleet.analysis.hprof;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Where a {@link RecordReader} gets its bytes: a file channel (skips by moving the position) or a
 * stream (skips by reading). Not thread-safe.
 */
abstract class ByteSource implements Closeable {

  /** Reads into {@code dst} between its position and limit; -1 at end of input. */
  abstract int read(ByteBuffer dst) throws IOException;

  /** Skips up to {@code n} bytes; returns how many were skipped (less only at end of input). */
  abstract long skip(long n) throws IOException;

  /** Whether {@link #read} wants a direct buffer. */
  abstract boolean prefersDirectBuffer();

  static ByteSource of(FileChannel channel) {
    return new ChannelSource(channel);
  }

  static ByteSource of(InputStream in) {
    return new StreamSource(in);
  }

  private static final class ChannelSource extends ByteSource {
    private final FileChannel channel;

    ChannelSource(FileChannel channel) {
      this.channel = channel;
    }

    @Override
    int read(ByteBuffer dst) throws IOException {
      return channel.read(dst);
    }

    @Override
    long skip(long n) throws IOException {
      // Skipping is free on a file: big arrays are never read at all.
      long position = channel.position();
      long k = Math.min(n, Math.max(0, channel.size() - position));
      channel.position(position + k);
      return k;
    }

    @Override
    boolean prefersDirectBuffer() {
      return true;
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  private static final class StreamSource extends ByteSource {
    private final InputStream in;
    private byte[] scratch;

    StreamSource(InputStream in) {
      this.in = in;
    }

    @Override
    int read(ByteBuffer dst) throws IOException {
      int n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
      if (n > 0) {
        dst.position(dst.position() + n);
      }
      return n;
    }

    @Override
    long skip(long n) throws IOException {
      if (scratch == null) {
        scratch = new byte[64 * 1024];
      }
      long done = 0;
      while (done < n) {
        // InputStream.skip may legally return 0 before the end; read to tell end from pause.
        int k = in.read(scratch, 0, (int) Math.min(scratch.length, n - done));
        if (k < 0) {
          break;
        }
        done += k;
      }
      return done;
    }

    @Override
    boolean prefersDirectBuffer() {
      return false;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
