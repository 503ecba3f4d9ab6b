package io.heapfleet.storage;

import java.util.Optional;

/** How a stored dump is compressed, shown by its file extension. */
public enum DumpFormat {
  GZIP(".hprof.gz"),
  ZSTD(".hprof.zst"),
  RAW(".hprof");

  private final String extension;

  DumpFormat(String extension) {
    this.extension = extension;
  }

  /** {@code .hprof.gz}, {@code .hprof.zst} or {@code .hprof}. */
  public String extension() {
    return extension;
  }

  /** The format whose extension ends {@code fileName}, if any. */
  public static Optional<DumpFormat> ofFileName(String fileName) {
    for (DumpFormat f : new DumpFormat[] {GZIP, ZSTD, RAW}) {
      if (fileName.endsWith(f.extension)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /** Parses {@code gzip|zstd|raw} (the /heapdump {@code format} parameter). */
  public static DumpFormat parse(String text) {
    switch (text.toLowerCase(java.util.Locale.ROOT)) {
      case "gzip":
      case "gz":
        return GZIP;
      case "zstd":
      case "zst":
        return ZSTD;
      case "raw":
      case "hprof":
        return RAW;
      default:
        throw new IllegalArgumentException(
            "unknown dump format '" + text + "'; use gzip, zstd or raw");
    }
  }
}
