package io.heapfleet.analysis.hprof;

/**
 * The dump asks for more than {@link HprofLimits} allow (a string too long, too many strings or
 * classes, more bytes than announced) or for more memory than the heap has. Bad input, like any
 * {@link HprofFormatException}; {@link #limit()} says which limit, for callers that report it.
 */
public class HprofLimitException extends HprofFormatException {
  private static final long serialVersionUID = 1L;

  /** Which limit was hit. */
  public enum Limit {
    /** One STRING record longer than {@link HprofLimits#maxStringBytes()}. */
    STRING_LENGTH,
    /** All STRING records over {@link HprofLimits#stringBudgetBytes()}. */
    STRING_BUDGET,
    /** More classes than {@link HprofLimits#maxClasses()}. */
    CLASSES,
    /** More decompressed bytes than {@link HprofLimits#maxHprofBytes()}. */
    HPROF_BYTES,
    /** The Java heap ran out while reading ({@link OutOfMemoryError}). */
    MEMORY
  }

  private final Limit limit;

  public HprofLimitException(Limit limit, long offset, String message) {
    super(offset, message);
    this.limit = limit;
  }

  public HprofLimitException(Limit limit, long offset, String message, Throwable cause) {
    super(offset, message, cause);
    this.limit = limit;
  }

  /** A limit names its value and the limit already: it is reported as it is, wherever it hit. */
  @Override
  public HprofFormatException inRecord(String record, long recordStart) {
    return this;
  }

  /** Which limit the dump exceeded. */
  public Limit limit() {
    return limit;
  }

  /**
   * The analysis of a dump ran out of Java heap: reported as the {@link Limit#MEMORY} limit, with
   * the maximum heap, so that no {@code OutOfMemoryError} escapes the analysis.
   */
  public static HprofLimitException outOfMemory(OutOfMemoryError e) {
    return new HprofLimitException(
        Limit.MEMORY,
        -1,
        "the dump needs more memory than the Java heap has (max heap "
            + io.heapfleet.analysis.report.Format.bytes(Runtime.getRuntime().maxMemory())
            + "; the dump is hostile or too big for -Xmx)",
        e);
  }
}
