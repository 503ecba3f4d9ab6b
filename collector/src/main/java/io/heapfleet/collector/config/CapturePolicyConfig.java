package io.heapfleet.collector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** When a task is dumped: the capture policy and the adaptive policy's thresholds. */
@ConfigMapping(prefix = "heapfleet.collector.capture")
public interface CapturePolicyConfig {

  /**
   * {@code adaptive} (default): a baseline dump, then a dump only when the task's stats say its old
   * generation after GC grows (tasks that serve no stats fall back to {@code
   * heapfleet.collector.schedule.interval}); {@code fixed}: every task once per {@code
   * heapfleet.collector.schedule.interval}.
   */
  @WithDefault("adaptive")
  String policy();

  /** The adaptive policy. */
  Adaptive adaptive();

  /** Thresholds of the adaptive policy (docs/collector.md, "Adaptive capture"). */
  interface Adaptive {
    /** The baseline dump is taken this long after the task is first seen. */
    @WithDefault("1m")
    Duration baselineAfter();

    /** Never two dumps of one task closer than this (each dump pauses the task). */
    @WithDefault("10m")
    Duration minInterval();

    /** A dump at least this often, whatever the stats say (safety net). */
    @WithDefault("6h")
    Duration maxInterval();

    /** Old gen after GC grown by at least this many bytes since the last dump triggers a dump... */
    @WithDefault("33554432")
    long growthMinBytes();

    /** ...or by this fraction of the heap's limit, whichever is larger. */
    @WithDefault("0.05")
    double growthFraction();

    /**
     * At most one forced full collection (a probe, {@code GET /heapdump/stats?gc=full}, or a dump)
     * per task this often, to tell promoted garbage from growth without a dump; {@code 0s} turns
     * probes off (a dump settles it instead).
     */
    @WithDefault("5m")
    Duration probeInterval();
  }
}
