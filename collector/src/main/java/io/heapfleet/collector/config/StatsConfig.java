package io.heapfleet.collector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Polling every task's {@code /heapdump/stats}, its series, and the verdict drawn from it. */
@ConfigMapping(prefix = "heapfleet.collector.stats")
public interface StatsConfig {

  /** Whether stats are polled at all (the adaptive policy then falls back to the interval). */
  @WithDefault("true")
  boolean enabled();

  /** Each live task's stats are read once per interval. */
  @WithDefault("60s")
  Duration interval();

  /** Stats requests at once, over all tasks. */
  @WithDefault("16")
  int concurrency();

  /** Connect and request timeout of one stats request. */
  @WithDefault("5s")
  Duration timeout();

  /** How much of each task's series is kept (in memory and in its {@code stats.json}). */
  @WithDefault("24h")
  Duration keep();

  /** A task's series with new samples is rewritten to S3 at most this often. */
  @WithDefault("15m")
  Duration persistEvery();

  /** A task proves its identity again after this long (and after any 401/421). */
  @WithDefault("1h")
  Duration reprove();

  /** The stats verdict and the adaptive slope trigger look back this far. */
  @WithDefault("30m")
  Duration window();

  /** Fewest samples with an old-gen figure in the window for a verdict. */
  @WithDefault("5")
  int minPoints();

  /** A rise over the window below this many bytes is flat... */
  @WithDefault("4194304")
  long flatMinBytes();

  /** ...or below this fraction of the heap's limit, whichever is larger. */
  @WithDefault("0.02")
  double flatFraction();

  /** How steady (R² of a straight line) a rise must be to count as a leak. */
  @WithDefault("0.8")
  double minR2();
}
