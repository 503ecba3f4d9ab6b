package io.heapfleet.endpoint.client;

import io.heapfleet.auth.Compression;
import io.heapfleet.endpoint.KeepAliveEncoder;
import io.heapfleet.endpoint.StreamTrailer;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * The body of a dump response that started before the dump was taken ({@link
 * io.heapfleet.endpoint.KeepAliveEncoder}): passes the encoded bytes through as they come
 * (keep-alive bytes included, so a reader's idle timer sees them) and picks out the {@link
 * StreamTrailer} record. gzip: the record is the stream's last empty member, found from the kept
 * tail at the end and left in place (every gzip decoder reads it as nothing). zstd: the record is a
 * skippable frame before the dump's first frame, removed here, so what the caller stores is plain
 * zstd. Not thread-safe.
 */
abstract class StartedDumpStream extends FilterInputStream {

  StartedDumpStream(InputStream in) {
    super(in);
  }

  static StartedDumpStream of(Compression format, InputStream in) {
    return format == Compression.ZSTD ? new Zstd(in) : new Gzip(in);
  }

  /** The record, once read past; empty before and when the stream has none. */
  abstract Optional<Map<String, String>> record();

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n;
    do {
      n = read(one, 0, 1);
    } while (n == 0);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public long skip(long n) throws IOException {
    int r = read(new byte[(int) Math.min(Math.max(n, 0), 8192)]);
    return Math.max(r, 0);
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /**
   * gzip: everything passes; the last {@link StreamTrailer#MAX_BYTES} are kept, and the record is
   * found when they end with it (the stream's end).
   */
  private static final class Gzip extends StartedDumpStream {
    private final byte[] ring = new byte[StreamTrailer.MAX_BYTES];
    private long seen;

    Gzip(InputStream in) {
      super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n < 0) {
        return n;
      }
      for (int i = 0; i < n; i++) {
        ring[(int) ((seen + i) % ring.length)] = b[off + i];
      }
      seen += n;
      return n;
    }

    @Override
    Optional<Map<String, String>> record() {
      // Not only at EOF: a gzip decoder stops after the record's member without reading EOF.
      int length = (int) Math.min(seen, ring.length);
      byte[] last = new byte[length];
      for (int i = 0; i < length; i++) {
        last[i] = ring[(int) ((seen - length + i) % ring.length)];
      }
      return StreamTrailer.parse(Compression.GZIP, last, length);
    }
  }

  /**
   * zstd: empty frames (keep-alive) pass one by one as they arrive; the record's skippable frame is
   * removed; from the first other byte on, everything passes untouched.
   */
  private static final class Zstd extends StartedDumpStream {
    private static final byte[] EMPTY = KeepAliveEncoder.EMPTY_ZSTD_FRAME;
    private byte[] pending = new byte[0];
    private int pendingAt;
    private boolean prefixDone;
    private Optional<Map<String, String>> record = Optional.empty();

    Zstd(InputStream in) {
      super(in);
    }

    @Override
    Optional<Map<String, String>> record() {
      return record;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      while (pendingAt == pending.length && !prefixDone) {
        nextUnit();
      }
      if (pendingAt < pending.length) {
        int n = Math.min(len, pending.length - pendingAt);
        System.arraycopy(pending, pendingAt, b, off, n);
        pendingAt += n;
        return n;
      }
      return in.read(b, off, len);
    }

    /** Reads the next unit of the prefix into {@code pending}, or ends the prefix. */
    private void nextUnit() throws IOException {
      byte[] head = readUpTo(4);
      if (head.length < 4) {
        pass(head);
        return;
      }
      int magic =
          (head[0] & 0xff)
              | (head[1] & 0xff) << 8
              | (head[2] & 0xff) << 16
              | (head[3] & 0xff) << 24;
      if (magic == StreamTrailer.ZSTD_TRAILER_MAGIC) {
        byte[] size = readUpTo(4);
        int length =
            size.length < 4
                ? -1
                : (size[0] & 0xff)
                    | (size[1] & 0xff) << 8
                    | (size[2] & 0xff) << 16
                    | (size[3] & 0xff) << 24;
        if (length < 0 || length > StreamTrailer.MAX_BYTES) {
          throw new IOException("malformed heapfleet record in the zstd stream");
        }
        byte[] content = readUpTo(length);
        if (content.length < length) {
          throw new IOException("the zstd stream ended inside its heapfleet record");
        }
        record = StreamTrailer.parse(Compression.ZSTD, content, length);
        return;
      }
      if (Arrays.equals(head, 0, 4, EMPTY, 0, 4)) {
        byte[] rest = readUpTo(EMPTY.length - 4);
        byte[] unit = concat(head, rest);
        if (Arrays.equals(unit, EMPTY)) {
          pending = unit;
          pendingAt = 0;
          return;
        }
        pass(unit);
        return;
      }
      pass(head);
    }

    private void pass(byte[] bytes) {
      pending = bytes;
      pendingAt = 0;
      prefixDone = true;
    }

    private byte[] readUpTo(int n) throws IOException {
      byte[] buf = new byte[n];
      int got = 0;
      while (got < n) {
        int r = in.read(buf, got, n - got);
        if (r < 0) {
          break;
        }
        got += r;
      }
      return got == n ? buf : Arrays.copyOf(buf, got);
    }

    private static byte[] concat(byte[] a, byte[] b) {
      byte[] c = Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, c, a.length, b.length);
      return c;
    }
  }
}
