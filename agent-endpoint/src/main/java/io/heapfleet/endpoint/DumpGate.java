package io.heapfleet.endpoint;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Semaphore;

/**
 * One dump at a time per task, and none sooner than the minimum interval after the last: the
 * endpoint's lock. A refused caller gets 429 with {@code Retry-After} (busy: about as long as the
 * last request took; too soon: until the interval has passed). Thread-safe.
 */
final class DumpGate {

  // A semaphore, not a lock: the front door may finish the stream on another thread.
  private final Semaphore dumping = new Semaphore(1);
  private final Duration minInterval;
  private final Clock clock;

  // Written while holding `dumping`; volatile because the holder may change threads.
  private volatile Instant lastDump;
  private volatile long lastRequestMillis = 10_000;

  DumpGate(Duration minInterval, Clock clock) {
    this.minInterval = minInterval;
    this.clock = clock;
  }

  /**
   * Lets one dump in, or refuses it. An admitted caller holds the gate until it calls {@link
   * #exit()} (nothing was dumped) or {@link #exitAfterDump} (a dump was sent or attempted).
   */
  Admission enter(Answers answers, Audit audit) {
    if (!dumping.tryAcquire()) {
      long seconds = Math.max(1, (lastRequestMillis + 999) / 1000);
      return Admission.refused(
          answers.tooMany("busy", "a heap dump is already running on this task", seconds, audit));
    }
    long startNanos = System.nanoTime();
    Instant now = clock.instant();
    if (lastDump != null && !minInterval.isZero()) {
      Instant next = lastDump.plus(minInterval);
      if (now.isBefore(next)) {
        long seconds = Math.max(1, (Duration.between(now, next).toMillis() + 999) / 1000);
        EndpointResponse tooSoon =
            answers.tooMany(
                "too_soon",
                "the last dump of this task was at "
                    + lastDump
                    + "; the minimum interval is "
                    + minInterval.getSeconds()
                    + "s",
                seconds,
                audit);
        dumping.release();
        return Admission.refused(tooSoon);
      }
    }
    return new Admission(now, startNanos, null);
  }

  /** Records when a dump was taken: the next may come one minimum interval later. */
  void dumped(Instant at) {
    lastDump = at;
  }

  /** Leaves the gate without having dumped. */
  void exit() {
    dumping.release();
  }

  /** Leaves the gate after a dump; its duration becomes the next busy answer's retry hint. */
  void exitAfterDump(Admission admission) {
    lastRequestMillis = Math.max(1000, (System.nanoTime() - admission.startNanos) / 1_000_000);
    dumping.release();
  }

  /** The gate's answer: admitted at an instant, or refused with a 429. Immutable. */
  static final class Admission {
    private final Instant at;
    private final long startNanos;
    private final EndpointResponse refusal;

    private Admission(Instant at, long startNanos, EndpointResponse refusal) {
      this.at = at;
      this.startNanos = startNanos;
      this.refusal = refusal;
    }

    private static Admission refused(EndpointResponse refusal) {
      return new Admission(null, 0, refusal);
    }

    boolean admitted() {
      return refusal == null;
    }

    /** When the dump was admitted (the clock's reading). */
    Instant at() {
      return at;
    }

    /** The 429 when refused; null when admitted. */
    EndpointResponse refusal() {
      return refusal;
    }
  }
}
