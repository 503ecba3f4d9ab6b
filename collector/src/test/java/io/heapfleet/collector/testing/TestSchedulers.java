package io.heapfleet.collector.testing;

import io.heapfleet.collector.schedule.CaptureScheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * The capture scheduler the engine tests run: every 30 minutes without jitter, one capture per
 * service at a time, back-off from 1 to 10 minutes, on the test's clock and a fixed random seed.
 * Stateless; thread-safe.
 */
public final class TestSchedulers {
  private TestSchedulers() {}

  /** That scheduler, with {@code parallelism} captures at once. */
  public static CaptureScheduler halfHourly(int parallelism, Clock clock) {
    return new CaptureScheduler(
        new CaptureScheduler.Settings(
            Duration.ofMinutes(30),
            Duration.ZERO,
            parallelism,
            1,
            Duration.ofMinutes(1),
            Duration.ofMinutes(10)),
        clock,
        new SplittableRandom(1));
  }
}
