package io.heapfleet.collector.queue;

import io.heapfleet.collector.discovery.Target;
import io.heapfleet.collector.schedule.CaptureScheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The planner's view of a capture policy: which live tasks are due now. The planner hands each due
 * task to the queue and reports whether that worked; the queue's message groups, not the policy,
 * limit how many captures run at once. Implementations decide thread-safety; the planner calls them
 * from one thread.
 */
public interface DueCaptures {

  /** Replaces the live task list (new tasks start a series, missing ones end it). */
  void live(List<Target> targets);

  /** The tasks due now; each is in hand until {@link #queued} is called for it. */
  List<Target> takeDue();

  /**
   * Reports a task taken by {@link #takeDue}: queued (its next capture is an interval away) or not
   * (SQS refused; it is due again after a backoff).
   */
  void queued(String taskId, boolean accepted);

  /**
   * The fixed-interval policy of the single-process collector ({@link CaptureScheduler}) without
   * its concurrency limits, which the queue enforces across workers instead.
   */
  static DueCaptures fixedInterval(
      Duration interval,
      Duration jitter,
      Duration backoffInitial,
      Duration backoffMax,
      Clock clock,
      RandomGenerator random) {
    CaptureScheduler scheduler =
        new CaptureScheduler(
            unlimited(interval, jitter, backoffInitial, backoffMax), clock, random);
    return of(scheduler);
  }

  /**
   * A schedule's limits for planning: none on parallelism or per service (the queue's message
   * groups limit captures across workers), the interval, jitter and backoff as configured.
   */
  static CaptureScheduler.Settings unlimited(
      Duration interval, Duration jitter, Duration backoffInitial, Duration backoffMax) {
    return new CaptureScheduler.Settings(
        interval, jitter, Integer.MAX_VALUE, Integer.MAX_VALUE, backoffInitial, backoffMax);
  }

  /**
   * Plans with an existing scheduler (built with the configured capture policy and {@link
   * #unlimited} settings): taking a task marks it running until it is queued; a queued task counts
   * as dumped then for the policy (the worker's stored dump, once read from S3, replaces that
   * time).
   */
  static DueCaptures of(CaptureScheduler scheduler) {
    return new DueCaptures() {
      @Override
      public void live(List<Target> targets) {
        scheduler.updateTargets(targets);
      }

      @Override
      public List<Target> takeDue() {
        return scheduler.takeDue();
      }

      @Override
      public void queued(String taskId, boolean accepted) {
        scheduler.finished(
            taskId,
            accepted
                ? new CaptureScheduler.Outcome.Success()
                : new CaptureScheduler.Outcome.Failure(Optional.empty()));
      }
    };
  }
}
