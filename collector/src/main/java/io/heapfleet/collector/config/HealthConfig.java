package io.heapfleet.collector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What the health checks on the management interface say beyond UP or DOWN. */
@ConfigMapping(prefix = "heapfleet.collector.health")
public interface HealthConfig {

  /**
   * Include details in {@code /q/health}: the discovery source (target URLs, cluster), task counts,
   * the last error, the bucket name. Off by default: whoever reaches the management port learns
   * only whether the collector is ready.
   */
  @WithDefault("false")
  boolean details();
}
