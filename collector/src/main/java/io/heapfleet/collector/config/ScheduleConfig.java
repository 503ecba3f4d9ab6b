package io.heapfleet.collector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** When and how many captures run. */
@ConfigMapping(prefix = "heapfleet.collector.schedule")
public interface ScheduleConfig {

  /** Whether scheduled captures run at all (on-demand captures through the API always work). */
  @WithDefault("true")
  boolean enabled();

  /** Each live task is captured once per interval. */
  @WithDefault("30m")
  Duration interval();

  /**
   * Random delay up to this long added to each task's due time, so that tasks of one service are
   * not paused in lock-step and a fleet restart does not capture everything at once.
   */
  @WithDefault("2m")
  Duration jitter();

  /** Captures running at the same time, over all services. */
  @WithDefault("2")
  int parallelism();

  /**
   * Captures running at the same time within one service (a dump pauses the JVM; never pause a
   * whole service).
   */
  @WithDefault("1")
  int perService();

  /** How often the scheduler looks for due tasks. */
  @WithDefault("5s")
  Duration tick();

  /** The first retry delay after a failed capture; doubles per consecutive failure (jittered). */
  @WithDefault("1m")
  Duration backoffInitial();

  /** The longest retry delay after failures. */
  @WithDefault("30m")
  Duration backoffMax();
}
