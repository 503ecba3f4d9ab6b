package io.heapfleet.endpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * How a dump is encoded on the wire. Compression happens while the dump streams out of its temp
 * file, after the JVM pause, never holding the dump in memory.
 *
 * <ul>
 *   <li>{@link #GZIP}: level 1 (fastest); MAT, VisualVM and {@code gunzip} open it. The default.
 *   <li>{@link #ZSTD}: pure-Java zstd (aircompressor); faster and smaller than gzip, but needs a
 *       zstd-aware reader ({@code zstd -d}, heapfleet).
 *   <li>{@link #RAW}: plain HPROF, with {@code Content-Length}.
 * </ul>
 */
public enum DumpFormat {
  GZIP("gzip", ".hprof.gz", "application/gzip"),
  ZSTD("zstd", ".hprof.zst", "application/zstd"),
  RAW("raw", ".hprof", "application/octet-stream");

  /** gzip level: 1 compresses several times faster than the default 6 for a few % of size. */
  public static final int GZIP_LEVEL = Deflater.BEST_SPEED;

  private static final int BUFFER = 64 * 1024;

  private final String id;
  private final String extension;
  private final String contentType;

  DumpFormat(String id, String extension, String contentType) {
    this.id = id;
    this.extension = extension;
    this.contentType = contentType;
  }

  /** The name used in {@code ?format=} and settings. */
  public String id() {
    return id;
  }

  /** The file name extension, e.g. {@code .hprof.gz}. */
  public String extension() {
    return extension;
  }

  public String contentType() {
    return contentType;
  }

  /** Looks a format up by {@link #id()}, case-insensitively. */
  public static Optional<DumpFormat> fromId(String id) {
    if (id == null) {
      return Optional.empty();
    }
    String lower = id.toLowerCase(Locale.ROOT);
    for (DumpFormat f : values()) {
      if (f.id.equals(lower)) {
        return Optional.of(f);
      }
    }
    if (lower.equals("gz")) {
      return Optional.of(GZIP);
    }
    if (lower.equals("zst") || lower.equals("hprof")) {
      return Optional.of(lower.equals("zst") ? ZSTD : RAW);
    }
    return Optional.empty();
  }

  /**
   * Wraps {@code out} so that bytes written are encoded in this format; closing the wrapper
   * finishes the encoding and closes {@code out}.
   */
  public OutputStream encode(OutputStream out) throws IOException {
    switch (this) {
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
}
