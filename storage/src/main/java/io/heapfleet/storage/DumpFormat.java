package io.heapfleet.storage;

import io.heapfleet.auth.Compression;
import java.util.Optional;

/**
 * What a stored dump is: the runtime that wrote it and its {@link Compression}, shown by its file
 * extension: a JVM's HPROF ({@code .hprof.gz}, {@code .hprof.zst}, {@code .hprof}) or a Node.js
 * task's V8 heap snapshot ({@code .heapsnapshot.gz}, {@code .heapsnapshot.zst}, {@code
 * .heapsnapshot}). Immutable.
 */
public enum DumpFormat {
  GZIP(false, Compression.GZIP),
  ZSTD(false, Compression.ZSTD),
  RAW(false, Compression.RAW),
  SNAPSHOT_GZIP(true, Compression.GZIP),
  SNAPSHOT_ZSTD(true, Compression.ZSTD),
  SNAPSHOT_RAW(true, Compression.RAW);

  /** {@link #runtime()} of a JVM's HPROF dump. */
  public static final String JVM = "jvm";

  /** {@link #runtime()} of a Node.js task's V8 heap snapshot. */
  public static final String NODE = "node";

  private final boolean heapSnapshot;
  private final Compression compression;
  private final String extension;

  DumpFormat(boolean heapSnapshot, Compression compression) {
    this.heapSnapshot = heapSnapshot;
    this.compression = compression;
    this.extension = (heapSnapshot ? ".heapsnapshot" : ".hprof") + compression.suffix();
  }

  /** The stored format of a dump from a JVM ({@code heapSnapshot} false) or a Node.js task. */
  public static DumpFormat of(boolean heapSnapshot, Compression compression) {
    for (DumpFormat f : values()) {
      if (f.heapSnapshot == heapSnapshot && f.compression == compression) {
        return f;
      }
    }
    throw new AssertionError("every runtime has every compression");
  }

  /** {@code .hprof.gz}, {@code .heapsnapshot.gz}, ... */
  public String extension() {
    return extension;
  }

  /** How the stored bytes are compressed. */
  public Compression compression() {
    return compression;
  }

  /** Whether this is a V8 heap snapshot (Node.js) rather than an HPROF dump (JVM). */
  public boolean isHeapSnapshot() {
    return heapSnapshot;
  }

  /** {@value #JVM} for HPROF, {@value #NODE} for a V8 heap snapshot. */
  public String runtime() {
    return heapSnapshot ? NODE : JVM;
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
   * Parses {@code gzip|zstd|raw} (the /heapdump {@code format} parameter, see {@link
   * Compression#fromId}; {@code heapsnapshot} means raw too) as the HPROF format or, when {@code
   * heapSnapshot}, the V8 heap snapshot format with that compression.
   */
  public static DumpFormat parse(String text, boolean heapSnapshot) {
    Compression compression =
        "heapsnapshot".equalsIgnoreCase(text)
            ? Compression.RAW
            : Compression.fromId(text)
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "unknown dump format '" + text + "'; use gzip, zstd or raw"));
    return of(heapSnapshot, compression);
  }
}
