package io.heapfleet.collector.schedule;

import java.time.Instant;

/**
 * Decides whether a task is due for a dump now, from what is known of it (when it was first seen,
 * its newest dump, its stats series). Pure: no I/O, no clock of its own, so that the in-process
 * scheduler and a planner that enqueues due captures for workers can share it. Limits that are not
 * about one task (parallelism, one per service, backoff after failures) stay with the caller.
 * Implementations are immutable and thread-safe.
 */
public interface CapturePolicy {

  /**
   * Whether to dump the task now.
   *
   * @param now the current time
   * @param history what is known of the task
   */
  Decision due(Instant now, TaskHistory history);

  /** The policy's name as configured ({@code fixed}, {@code adaptive}). */
  String name();

  /**
   * A decision and its reason, for logs and the API ({@code baseline}, {@code max-interval}, {@code
   * old gen after GC +38.2 MB since the last dump}, ...).
   */
  record Decision(boolean due, String reason, boolean probe, Instant lookAgain) {
    public Decision(boolean due, String reason) {
      this(due, reason, false, null);
    }

    public static Decision due(String reason) {
      return new Decision(true, reason);
    }

    public static Decision notDue(String reason) {
      return new Decision(false, reason);
    }

    /** Not due, and nothing can change that before {@code until}: look again then, not sooner. */
    public static Decision notDueUntil(String reason, Instant until) {
      return new Decision(false, reason, false, until);
    }

    /**
     * Not due, but a full collection on the task (far cheaper than a dump) would tell: its fresh
     * after-GC figure decides at the next look.
     */
    public static Decision probe(String reason) {
      return new Decision(false, reason, true, null);
    }
  }
}
