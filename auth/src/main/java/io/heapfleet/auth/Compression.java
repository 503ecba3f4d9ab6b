package io.heapfleet.auth;

import java.util.Locale;
import java.util.Optional;

/**
 * How a dump's bytes are compressed: on the wire from {@code /heapdump} (its {@code ?format=}
 * parameter, {@code X-Heapdump-Format} header and {@code Content-Type}) and in the name of the
 * stored object ({@code .hprof.gz}, {@code .heapsnapshot.zst}, ...). The one list of compressions
 * both sides share; the streams that encode and decode live beside their libraries (the endpoint,
 * the collector). Java 11, no dependencies. Immutable.
 *
 * <ul>
 *   <li>{@link #GZIP}: MAT, VisualVM and {@code gunzip} open it. The default.
 *   <li>{@link #ZSTD}: faster and smaller than gzip, but needs a zstd-aware reader ({@code zstd
 *       -d}, heapfleet).
 *   <li>{@link #RAW}: not compressed.
 * </ul>
 */
public enum Compression {
  GZIP("gzip", ".gz", "application/gzip"),
  ZSTD("zstd", ".zst", "application/zstd"),
  RAW("raw", "", "application/octet-stream");

  private final String id;
  private final String suffix;
  private final String contentType;

  Compression(String id, String suffix, String contentType) {
    this.id = id;
    this.suffix = suffix;
    this.contentType = contentType;
  }

  /** The name used in {@code ?format=}, {@code X-Heapdump-Format} and settings. */
  public String id() {
    return id;
  }

  /** What this compression adds to a file name: {@code .gz}, {@code .zst}, or nothing. */
  public String suffix() {
    return suffix;
  }

  /** The HTTP {@code Content-Type} of a dump sent with this compression. */
  public String contentType() {
    return contentType;
  }

  /**
   * Looks a compression up by {@link #id()}, case-insensitively; {@code gz} and {@code zst} (the
   * file suffixes) and {@code hprof} (an uncompressed dump) are accepted too.
   */
  public static Optional<Compression> fromId(String id) {
    if (id == null) {
      return Optional.empty();
    }
    String lower = id.toLowerCase(Locale.ROOT);
    for (Compression c : values()) {
      if (c.id.equals(lower)) {
        return Optional.of(c);
      }
    }
    switch (lower) {
      case "gz":
        return Optional.of(GZIP);
      case "zst":
        return Optional.of(ZSTD);
      case "hprof":
        return Optional.of(RAW);
      default:
        return Optional.empty();
    }
  }

  /** The compression a file name's suffix shows: {@code .gz}, {@code .zst}, else {@link #RAW}. */
  public static Compression ofFileName(String fileName) {
    for (Compression c : values()) {
      if (c != RAW && fileName.endsWith(c.suffix)) {
        return c;
      }
    }
    return RAW;
  }
}
