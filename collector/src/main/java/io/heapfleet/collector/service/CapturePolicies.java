package io.heapfleet.collector.service;

import io.heapfleet.collector.config.CapturePolicyConfig;
import io.heapfleet.collector.config.ScheduleConfig;
import io.heapfleet.collector.config.StatsConfig;
import io.heapfleet.collector.schedule.AdaptivePolicy;
import io.heapfleet.collector.schedule.CapturePolicy;
import io.heapfleet.collector.schedule.CaptureScheduler;
import io.heapfleet.collector.stats.OldGenTrend;
import io.heapfleet.collector.stats.StatsPoller;
import java.time.Clock;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * Builds the configured capture policy ({@code heapfleet.collector.capture.policy}) into a {@link
 * CaptureScheduler}, the same way for the single-process collector and for the queue planner, so
 * that both dump a task on the same rules. Stateless.
 */
public final class CapturePolicies {

  private CapturePolicies() {}

  /** The stats verdict's thresholds ({@code heapfleet.collector.stats.*}). */
  public static OldGenTrend.Thresholds verdict(StatsConfig stats) {
    return new OldGenTrend.Thresholds(
        stats.window(),
        stats.minPoints(),
        stats.flatMinBytes(),
        stats.flatFraction(),
        stats.minR2());
  }

  /**
   * A scheduler for the configured policy.
   *
   * @param settings the schedule's limits (the planner passes none: the queue limits captures)
   * @param histories each task's history (stored dumps and stats), for the adaptive policy
   * @param poller the stats poller, or {@code null} when stats are off
   * @throws IllegalArgumentException when the policy is neither {@code fixed} nor {@code adaptive}
   */
  public static CaptureScheduler scheduler(
      CapturePolicyConfig config,
      ScheduleConfig schedule,
      StatsConfig stats,
      CaptureScheduler.Settings settings,
      CaptureScheduler.HistorySource histories,
      StatsPoller poller,
      Clock clock) {
    return switch (config.policy()) {
      case "fixed" -> new CaptureScheduler(settings, clock, new SplittableRandom());
      case "adaptive" ->
          new CaptureScheduler(
              settings,
              adaptive(config, schedule, stats),
              histories,
              // A task the policy did not find due is asked again when new stats may have come.
              poller == null
                  ? schedule.tick()
                  : stats.interval().compareTo(Duration.ofMinutes(1)) < 0
                      ? stats.interval()
                      : Duration.ofMinutes(1),
              clock,
              new SplittableRandom());
      default ->
          throw new IllegalArgumentException(
              "heapfleet.collector.capture.policy must be fixed or adaptive, got '"
                  + config.policy()
                  + "'");
    };
  }

  /**
   * The length of a due slot on the queue (a task and its slot are the deduplication id, and a
   * worker skips a slot already stored): the schedule's interval, or under the adaptive policy its
   * minimum interval when shorter, so that a dump due again after the minimum interval is not taken
   * for one already stored.
   */
  public static Duration slot(CapturePolicyConfig config, ScheduleConfig schedule) {
    Duration interval = schedule.interval();
    if (config.policy().equals("adaptive")
        && config.adaptive().minInterval().compareTo(interval) < 0) {
      return config.adaptive().minInterval();
    }
    return interval;
  }

  /** The adaptive policy with the configured thresholds. */
  public static CapturePolicy adaptive(
      CapturePolicyConfig config, ScheduleConfig schedule, StatsConfig stats) {
    return new AdaptivePolicy(
        new AdaptivePolicy.Settings(
            config.adaptive().baselineAfter(),
            config.adaptive().minInterval(),
            config.adaptive().maxInterval(),
            schedule.interval(),
            config.adaptive().growthMinBytes(),
            config.adaptive().growthFraction(),
            verdict(stats),
            config.adaptive().probeInterval()));
  }
}
