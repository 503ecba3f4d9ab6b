package io.heapfleet.storage;

import java.util.Optional;

/**
 * What a stored dump is and how it is compressed, shown by its file extension: a JVM's HPROF
 * ({@code .hprof.gz}, {@code .hprof.zst}, {@code .hprof}) or a Node.js task's V8 heap snapshot
 * ({@code .heapsnapshot.gz}, {@code .heapsnapshot.zst}, {@code .heapsnapshot}).
 */
public enum DumpFormat {
  GZIP(".hprof.gz"),
  ZSTD(".hprof.zst"),
  RAW(".hprof"),
  SNAPSHOT_GZIP(".heapsnapshot.gz"),
  SNAPSHOT_ZSTD(".heapsnapshot.zst"),
  SNAPSHOT_RAW(".heapsnapshot");

  /** {@link #runtime()} of a JVM's HPROF dump. */
  public static final String JVM = "jvm";

  /** {@link #runtime()} of a Node.js task's V8 heap snapshot. */
  public static final String NODE = "node";

  private final String extension;

  DumpFormat(String extension) {
    this.extension = extension;
  }

  /** {@code .hprof.gz}, {@code .heapsnapshot.gz}, ... */
  public String extension() {
    return extension;
  }

  /** Whether this is a V8 heap snapshot (Node.js) rather than an HPROF dump (JVM). */
  public boolean isHeapSnapshot() {
    return extension.startsWith(".heapsnapshot");
  }

  /** {@value #JVM} for HPROF, {@value #NODE} for a V8 heap snapshot. */
  public String runtime() {
    return isHeapSnapshot() ? NODE : JVM;
  }

  /** The format whose extension ends {@code fileName}, if any. */
  public static Optional<DumpFormat> ofFileName(String fileName) {
    for (DumpFormat f : values()) {
      if (fileName.endsWith(f.extension)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /** Parses {@code gzip|zstd|raw} (the /heapdump {@code format} parameter) as an HPROF format. */
  public static DumpFormat parse(String text) {
    return parse(text, false);
  }

  /**
   * Parses {@code gzip|zstd|raw} (the /heapdump {@code format} parameter) as the HPROF format or,
   * when {@code heapSnapshot}, the V8 heap snapshot format with that compression.
   */
  public static DumpFormat parse(String text, boolean heapSnapshot) {
    switch (text.toLowerCase(java.util.Locale.ROOT)) {
      case "gzip":
      case "gz":
        return heapSnapshot ? SNAPSHOT_GZIP : GZIP;
      case "zstd":
      case "zst":
        return heapSnapshot ? SNAPSHOT_ZSTD : ZSTD;
      case "raw":
      case "hprof":
      case "heapsnapshot":
        return heapSnapshot ? SNAPSHOT_RAW : RAW;
      default:
        throw new IllegalArgumentException(
            "unknown dump format '" + text + "'; use gzip, zstd or raw");
    }
  }
}
