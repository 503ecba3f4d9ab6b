package io.heapfleet.endpoint;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The full collection behind {@code GET /heapdump/stats?gc=full}: the cheap way for a collector to
 * tell a growing old generation from promoted garbage that no collection has removed yet. A full
 * collection pauses the JVM for a fraction of what a dump costs (no heap walk to disk, no
 * compression, no disk space), and afterwards the old generation's after-GC figure is fresh. At
 * most one per {@link #MIN_GAP} (a caller holding a credential cannot turn it into a stream of
 * pauses); with {@code -XX:+DisableExplicitGC} nothing runs and the answer says so. Thread-safe.
 */
final class ForcedGc {
  /** The least time between two forced collections. */
  static final Duration MIN_GAP = Duration.ofSeconds(10);

  /** What a request got. Immutable. */
  static final class Result {
    /** Whether the collection ran, could not run here, or came too soon. */
    enum Kind {
      RAN,
      UNAVAILABLE,
      TOO_SOON
    }

    final Kind kind;

    /** RAN: the collection's wall time; TOO_SOON: seconds to wait. */
    final long value;

    /** UNAVAILABLE: why. */
    final String reason;

    private Result(Kind kind, long value, String reason) {
      this.kind = kind;
      this.value = value;
      this.reason = reason;
    }

    static Result ran(long pauseMs) {
      return new Result(Kind.RAN, pauseMs, null);
    }

    static Result unavailable(String reason) {
      return new Result(Kind.UNAVAILABLE, -1, reason);
    }

    static Result tooSoon(long retryAfterSeconds) {
      return new Result(Kind.TOO_SOON, retryAfterSeconds, null);
    }
  }

  private final Clock clock;
  private final boolean disabled;
  private Instant last = Instant.MIN;

  ForcedGc(Clock clock) {
    this(clock, explicitGcDisabled());
  }

  ForcedGc(Clock clock, boolean disabled) {
    this.clock = clock;
    this.disabled = disabled;
  }

  /** Runs a full collection now, unless refused. Serialised: one at a time. */
  synchronized Result run() {
    if (disabled) {
      return Result.unavailable("explicit GC is disabled in this JVM (-XX:+DisableExplicitGC)");
    }
    Instant now = clock.instant();
    Instant allowed = last.equals(Instant.MIN) ? now : last.plus(MIN_GAP);
    if (now.isBefore(allowed)) {
      long wait = Math.max(1, Duration.between(now, allowed).toSeconds() + 1);
      return Result.tooSoon(wait);
    }
    last = now;
    long t0 = System.nanoTime();
    System.gc();
    return Result.ran(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  private static boolean explicitGcDisabled() {
    try {
      return Boolean.parseBoolean(
          ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
              .getVMOption("DisableExplicitGC")
              .getValue());
    } catch (RuntimeException notHotSpot) {
      return false;
    }
  }
}
