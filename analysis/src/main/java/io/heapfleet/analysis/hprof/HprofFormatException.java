package io.heapfleet.analysis.hprof;

import java.io.IOException;

/**
 * The bytes are not a readable HPROF heap dump: wrong magic, unsupported version, truncated, a
 * length pointing past the end, an unknown tag or an absurd size. The message names the byte offset
 * (in the decompressed HPROF stream), what was expected there and, once a reader has added it
 * ({@link #inRecord}), the record it happened in.
 */
public class HprofFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long offset;

  /** What is wrong, without where. */
  private final String detail;

  /** The (sub-)record it happened in, e.g. {@code INSTANCE_DUMP sub-record}; null if not known. */
  private final String record;

  public HprofFormatException(long offset, String message) {
    this(offset, message, null, -1, null);
  }

  public HprofFormatException(long offset, String message, Throwable cause) {
    this(offset, message, null, -1, cause);
  }

  private HprofFormatException(
      long offset, String detail, String record, long recordStart, Throwable cause) {
    super(
        detail
            + (record == null ? "" : " in the " + record + " starting at offset " + recordStart)
            + at(offset),
        cause);
    this.offset = offset;
    this.detail = detail;
    this.record = record;
  }

  private static String at(long offset) {
    return offset < 0 ? "" : " (at offset " + offset + ")";
  }

  /** Offset in the decompressed HPROF stream where the problem was found; -1 if unknown. */
  public long offset() {
    return offset;
  }

  /** The (sub-)record the problem was found in, or {@code null} when no reader has said. */
  public String record() {
    return record;
  }

  /**
   * This problem, placed in the (sub-)record a reader was decoding (e.g. {@code "PRIM_ARRAY_DUMP
   * sub-record"} from {@link HprofTags#subRecordName}). The innermost reader's placement wins: an
   * exception that already names its record is returned as it is, as is a limit, which names its
   * value and the limit instead.
   */
  public HprofFormatException inRecord(String record, long recordStart) {
    if (this.record != null) {
      return this;
    }
    return new HprofFormatException(
        offset, detail, record, recordStart, getCause() != null ? getCause() : this);
  }
}
