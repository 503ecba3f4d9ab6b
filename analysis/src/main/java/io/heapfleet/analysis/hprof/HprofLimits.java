package io.heapfleet.analysis.hprof;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How much a heap dump may make the reader keep or read: the limits that hold memory to the
 * documented budget whatever the input claims. A dump comes from a task, and a task is not trusted.
 * Both decoders of the HPROF records (the general {@link HprofStreamReader} and the histogram's
 * fast path) check through one {@link Budget} per read. Immutable and thread-safe.
 *
 * <ul>
 *   <li>{@link #maxStringBytes}: one STRING record's text. HotSpot writes no symbol longer than
 *       65,535 bytes ({@link #JVM_MAX_SYMBOL_BYTES}), so a longer one is not a JVM's dump.
 *   <li>{@link #stringBudgetBytes}: all STRING records kept, each counted as its text plus {@link
 *       #STRING_OVERHEAD_BYTES} (what one kept string costs in the heap besides its text).
 *   <li>{@link #maxClasses}: distinct classes one reader tracks.
 *   <li>{@link #maxHprofBytes}: bytes of (decompressed) HPROF; bounds how far a compressed input
 *       may inflate. Unlimited by default; a caller that knows the dump's size sets it.
 * </ul>
 *
 * @param maxStringBytes longest STRING record text, in bytes
 * @param stringBudgetBytes all STRING records together, text plus overhead per string
 * @param maxClasses distinct classes per reader
 * @param maxHprofBytes decompressed HPROF bytes, header included
 */
public record HprofLimits(
    int maxStringBytes, long stringBudgetBytes, int maxClasses, long maxHprofBytes) {

  /** The longest symbol HotSpot writes (a class file's {@code u2} length). */
  public static final int JVM_MAX_SYMBOL_BYTES = 65_535;

  /** Heap one kept string costs besides its text: String, its array, the map slot. */
  public static final long STRING_OVERHEAD_BYTES = 64;

  /**
   * The defaults, sized for {@code -Xmx256m}: 96 MiB of strings (over a million symbols of the
   * average length), 500,000 classes (about 60 MB of per-class counters), no byte limit.
   */
  public static final HprofLimits DEFAULT =
      new HprofLimits(JVM_MAX_SYMBOL_BYTES, 96L * 1024 * 1024, 500_000, Long.MAX_VALUE);

  public HprofLimits {
    if (maxStringBytes < 0) {
      throw new IllegalArgumentException("maxStringBytes must be >= 0, not " + maxStringBytes);
    }
    if (stringBudgetBytes < 0) {
      throw new IllegalArgumentException(
          "stringBudgetBytes must be >= 0, not " + stringBudgetBytes);
    }
    if (maxClasses < 1) {
      throw new IllegalArgumentException("maxClasses must be >= 1, not " + maxClasses);
    }
    if (maxHprofBytes < 1) {
      throw new IllegalArgumentException("maxHprofBytes must be >= 1, not " + maxHprofBytes);
    }
  }

  /** These limits with another bound on the decompressed HPROF bytes. */
  public HprofLimits withMaxHprofBytes(long bytes) {
    return new HprofLimits(maxStringBytes, stringBudgetBytes, maxClasses, bytes);
  }

  /** These limits with another string budget and per-string cap (tests make them small). */
  public HprofLimits withStrings(int maxBytes, long budgetBytes) {
    return new HprofLimits(maxBytes, budgetBytes, maxClasses, maxHprofBytes);
  }

  /** These limits with another class cap. */
  public HprofLimits withMaxClasses(int classes) {
    return new HprofLimits(maxStringBytes, stringBudgetBytes, classes, maxHprofBytes);
  }

  /** A fresh account for one read (shared by the ranges of a parallel read). */
  public Budget newBudget() {
    return new Budget(this);
  }

  /**
   * What one read has used so far; fails with an {@link HprofLimitException} naming the value and
   * the limit. Thread-safe: the ranges of a parallel read share one.
   */
  public static final class Budget {
    private final HprofLimits limits;
    private final AtomicLong stringBytes = new AtomicLong();

    private Budget(HprofLimits limits) {
      this.limits = limits;
    }

    public HprofLimits limits() {
      return limits;
    }

    /** Accounts one STRING record of {@code textLength} bytes at {@code recordStart}. */
    public void string(long recordStart, long textLength) throws HprofLimitException {
      if (textLength > limits.maxStringBytes) {
        throw new HprofLimitException(
            HprofLimitException.Limit.STRING_LENGTH,
            recordStart,
            "STRING record of "
                + textLength
                + " bytes exceeds the limit of "
                + limits.maxStringBytes
                + " bytes (a JVM writes no symbol longer than "
                + JVM_MAX_SYMBOL_BYTES
                + " bytes)");
      }
      long total = stringBytes.addAndGet(textLength + STRING_OVERHEAD_BYTES);
      if (total > limits.stringBudgetBytes) {
        throw new HprofLimitException(
            HprofLimitException.Limit.STRING_BUDGET,
            recordStart,
            "STRING records need "
                + total
                + " bytes of memory so far, over the string budget of "
                + limits.stringBudgetBytes
                + " bytes");
      }
    }

    /** Checks that a record ending at {@code recordEnd} stays within {@link #maxHprofBytes}. */
    public void recordEnd(long recordStart, long recordEnd) throws HprofLimitException {
      if (recordEnd > limits.maxHprofBytes) {
        throw new HprofLimitException(
            HprofLimitException.Limit.HPROF_BYTES,
            recordStart,
            "the record starting at offset "
                + recordStart
                + " ends at byte "
                + recordEnd
                + ", past the limit of "
                + limits.maxHprofBytes
                + " bytes of HPROF for this dump");
      }
    }
  }

  /** Checks that tracking {@code classes} distinct classes stays within {@link #maxClasses}. */
  public void checkClasses(int classes) throws HprofLimitException {
    if (classes > maxClasses) {
      throw tooManyClasses();
    }
  }

  /** The error for one class more than {@link #maxClasses}. */
  public HprofLimitException tooManyClasses() {
    return new HprofLimitException(
        HprofLimitException.Limit.CLASSES,
        -1,
        "the dump names more than " + maxClasses + " classes (the class limit)");
  }
}
