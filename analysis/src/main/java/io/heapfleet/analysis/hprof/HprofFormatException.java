package io.heapfleet.analysis.hprof;

import java.io.IOException;

/**
 * The bytes are not a readable HPROF heap dump: wrong magic, unsupported version, truncated, a
 * length pointing past the end, an unknown tag or an absurd size. The message names the byte offset
 * (in the decompressed HPROF stream) and what was expected there.
 */
public class HprofFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long offset;

  public HprofFormatException(long offset, String message) {
    super(message + at(offset));
    this.offset = offset;
  }

  public HprofFormatException(long offset, String message, Throwable cause) {
    super(message + at(offset), cause);
    this.offset = offset;
  }

  private static String at(long offset) {
    return offset < 0 ? "" : " (at offset " + offset + ")";
  }

  /** Offset in the decompressed HPROF stream where the problem was found; -1 if unknown. */
  public long offset() {
    return offset;
  }
}
