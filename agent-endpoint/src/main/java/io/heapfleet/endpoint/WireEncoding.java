package io.heapfleet.endpoint;

import io.heapfleet.auth.Compression;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The encoders of each {@link Compression}: a dump is compressed while it streams out of its temp
 * file, after the JVM pause, never held in memory. gzip runs at level 1; zstd is pure Java
 * (aircompressor, shaded into the agent). Stateless.
 */
public final class WireEncoding {
  /** gzip level: 1 compresses several times faster than the default 6 for a few % of size. */
  public static final int GZIP_LEVEL = Deflater.BEST_SPEED;

  /** A dump's file name before its compression's suffix: {@code .hprof}. */
  public static final String HPROF = ".hprof";

  private static final int BUFFER = 64 * 1024;

  private WireEncoding() {}

  /**
   * Wraps {@code out} so that bytes written are encoded with {@code compression}; closing the
   * wrapper finishes the encoding and closes {@code out}.
   */
  public static OutputStream encode(Compression compression, OutputStream out) throws IOException {
    switch (compression) {
      case GZIP:
        return new GZIPOutputStream(out, BUFFER) {
          {
            def.setLevel(GZIP_LEVEL);
          }
        };
      case ZSTD:
        return new ZstdFramesOutputStream(out);
      case RAW:
      default:
        return out;
    }
  }

  /** The file name extension of an HPROF dump sent with {@code compression}: {@code .hprof.gz}. */
  public static String hprofExtension(Compression compression) {
    return HPROF + compression.suffix();
  }
}
