package io.heapfleet.analysis.hprof;

/** How the HPROF bytes were stored, as detected from the first bytes (never from a file name). */
public enum InputFormat {
  /** Uncompressed {@code .hprof}. */
  PLAIN,
  /** A gzip stream ({@code .hprof.gz}), possibly several concatenated members. */
  GZIP,
  /**
   * HotSpot's {@code -gz} heap dump: independent gzip members of a fixed uncompressed block size,
   * the first carrying the comment {@code HPROF BLOCKSIZE=n}.
   */
  CHUNKED_GZIP,
  /** A zstd stream ({@code .hprof.zst}). */
  ZSTD
}
