package io.heapfleet.collector.capture;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What one capture may cost, derived from the size the task announces: a task is not trusted, so a
 * dump that trickles, never ends, or inflates past its announced size is cut off. Immutable and
 * thread-safe.
 *
 * <p>The size a task announces is {@code X-Heapdump-Hprof-Bytes} (the uncompressed HPROF it wrote)
 * or, without it, {@code X-Heapdump-Heap-Used}. From it ({@code S}):
 *
 * <ul>
 *   <li>deadline for the body = {@code min(maxDeadline, deadlineBase + S / minBytesPerSecond)};
 *       {@code maxDeadline} when no size is announced. Counted from the response head (the dump
 *       itself is covered by the first-byte timeout).
 *   <li>byte cap on the wire = {@code min(maxBytesCeiling, max(maxBytesFloor, maxBytesFactor ×
 *       S))}; {@code maxBytesCeiling} when no size is announced.
 *   <li>inflated HPROF bytes = at most {@code X-Heapdump-Hprof-Bytes × (1 + inflationMargin) + 1
 *       MiB}. A streaming endpoint sends that figure only after the dump (keep-alive responses
 *       start before it), so without it the bound is {@code 4 × X-Heapdump-Heap-Used + 64 MiB}: an
 *       HPROF record is at most about 2.5 times the object it describes (8-byte ids for 4-byte
 *       compressed references, a 25-byte record head for a 16-byte object). Unchecked when neither
 *       header is there (the byte cap still holds).
 * </ul>
 *
 * @param deadlineBase time every body gets, whatever its size
 * @param minBytesPerSecond slowest acceptable transfer of the announced size
 * @param maxDeadline the longest a body may take, whatever the task announces
 * @param maxBytesFloor byte cap for small dumps
 * @param maxBytesFactor byte cap as a multiple of the announced size
 * @param maxBytesCeiling the most bytes one capture takes, whatever the task announces
 * @param inflationMargin how far the inflated HPROF may exceed the announced size (0.05 = 5 %)
 */
public record CaptureLimits(
    Duration deadlineBase,
    long minBytesPerSecond,
    Duration maxDeadline,
    long maxBytesFloor,
    double maxBytesFactor,
    long maxBytesCeiling,
    double inflationMargin) {

  private static final long MIB = 1024 * 1024;

  /** HPROF bytes allowed per byte of heap in use when the HPROF size is not announced. */
  private static final double HPROF_PER_HEAP_BYTE = 4.0;

  /** The collector's defaults (see docs/collector.md): 5 min + 1 s per MiB, up to 2 h; 2 × size. */
  public static final CaptureLimits DEFAULT =
      new CaptureLimits(
          Duration.ofMinutes(5), MIB, Duration.ofHours(2), 256 * MIB, 2.0, 64L * 1024 * MIB, 0.05);

  public CaptureLimits {
    Objects.requireNonNull(deadlineBase, "deadlineBase");
    Objects.requireNonNull(maxDeadline, "maxDeadline");
    if (deadlineBase.isNegative() || deadlineBase.isZero()) {
      throw new IllegalArgumentException("deadlineBase must be positive, got " + deadlineBase);
    }
    if (maxDeadline.compareTo(deadlineBase) < 0) {
      throw new IllegalArgumentException(
          "maxDeadline " + maxDeadline + " must be at least deadlineBase " + deadlineBase);
    }
    if (minBytesPerSecond < 1) {
      throw new IllegalArgumentException(
          "minBytesPerSecond must be positive, got " + minBytesPerSecond);
    }
    if (maxBytesFloor < 1 || maxBytesCeiling < maxBytesFloor) {
      throw new IllegalArgumentException(
          "need 1 <= maxBytesFloor <= maxBytesCeiling, got "
              + maxBytesFloor
              + " and "
              + maxBytesCeiling);
    }
    if (!(maxBytesFactor >= 1.0)) {
      throw new IllegalArgumentException("maxBytesFactor must be >= 1, got " + maxBytesFactor);
    }
    if (!(inflationMargin >= 0.0)) {
      throw new IllegalArgumentException("inflationMargin must be >= 0, got " + inflationMargin);
    }
  }

  /** The size the task announced: HPROF bytes, else heap used; empty when neither is usable. */
  static OptionalLong announced(OptionalLong hprofBytes, OptionalLong heapUsed) {
    if (hprofBytes.isPresent() && hprofBytes.getAsLong() > 0) {
      return hprofBytes;
    }
    if (heapUsed.isPresent() && heapUsed.getAsLong() > 0) {
      return heapUsed;
    }
    return OptionalLong.empty();
  }

  /** How long the body of a dump of the announced size may take. */
  public Duration deadline(OptionalLong announced) {
    if (announced.isEmpty()) {
      return maxDeadline;
    }
    long seconds = announced.getAsLong() / minBytesPerSecond;
    Duration d =
        seconds > maxDeadline.toSeconds() ? maxDeadline : deadlineBase.plusSeconds(seconds);
    return d.compareTo(maxDeadline) > 0 ? maxDeadline : d;
  }

  /** The most bytes the body of a dump of the announced size may have on the wire. */
  public long maxBytes(OptionalLong announced) {
    if (announced.isEmpty()) {
      return maxBytesCeiling;
    }
    double scaled = maxBytesFactor * announced.getAsLong();
    long cap = scaled >= maxBytesCeiling ? maxBytesCeiling : (long) scaled;
    return Math.min(maxBytesCeiling, Math.max(maxBytesFloor, cap));
  }

  /** The most HPROF bytes the body may inflate to, when {@code X-Heapdump-Hprof-Bytes} is known. */
  public OptionalLong maxInflatedBytes(OptionalLong hprofBytes) {
    return maxInflatedBytes(hprofBytes, OptionalLong.empty());
  }

  /**
   * The most HPROF bytes the body may inflate to: from {@code X-Heapdump-Hprof-Bytes} when known,
   * else from the heap in use; empty when neither is known.
   */
  public OptionalLong maxInflatedBytes(OptionalLong hprofBytes, OptionalLong heapUsed) {
    double allowed;
    if (hprofBytes.isPresent() && hprofBytes.getAsLong() > 0) {
      allowed = hprofBytes.getAsLong() * (1.0 + inflationMargin) + MIB;
    } else if (heapUsed.isPresent() && heapUsed.getAsLong() > 0) {
      allowed = HPROF_PER_HEAP_BYTE * (double) heapUsed.getAsLong() + 64 * MIB;
    } else {
      return OptionalLong.empty();
    }
    return OptionalLong.of(allowed >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) allowed);
  }
}
