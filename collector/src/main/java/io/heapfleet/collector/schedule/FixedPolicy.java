package io.heapfleet.collector.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The fixed schedule: every task once per {@code interval}, whatever its heap does. Predictable,
 * and the only choice for tasks that serve no stats. Immutable.
 */
public record FixedPolicy(Duration interval) implements CapturePolicy {

  public FixedPolicy {
    Objects.requireNonNull(interval, "interval");
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("interval must be positive, got " + interval);
    }
  }

  @Override
  public Decision due(Instant now, TaskHistory h) {
    if (h.lastDump().isEmpty()) {
      return Decision.due("first dump");
    }
    return now.isBefore(h.lastDump().get().plus(interval))
        ? Decision.notDue("interval not over")
        : Decision.due("interval");
  }

  @Override
  public String name() {
    return "fixed";
  }
}
