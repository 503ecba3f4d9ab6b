package io.heapfleet.collector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Which dumps the collector deletes from S3, and how often it looks. Summaries ({@code
 * *.summary.json}) and per-task artifacts (diff, trend, deep) are never deleted: they are small and
 * carry the history that trends need.
 */
@ConfigMapping(prefix = "heapfleet.collector.retention")
public interface RetentionConfig {

  /** Whether the collector applies retention at all (off: rely on S3 lifecycle rules only). */
  @WithDefault("true")
  boolean enabled();

  /**
   * Dumps kept per task, newest first; 0 = no count limit. At least the trend window ({@code
   * capture.trend-window}), so that the trend still has a dump for each of its summaries.
   */
  @WithDefault("96")
  int keepDumps();

  /** Dumps older than this are deleted; empty = no age limit. */
  @WithDefault("14d")
  Optional<Duration> maxAge();

  /** How often retention runs over every task in the bucket (in the background). */
  @WithDefault("1h")
  Duration interval();
}
