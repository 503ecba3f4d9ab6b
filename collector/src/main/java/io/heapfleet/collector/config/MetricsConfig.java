package io.heapfleet.collector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Metrics besides Prometheus: the fleet-level figures written as CloudWatch embedded metric format
 * (EMF) lines to stdout, which the ECS {@code awslogs} driver ships to CloudWatch Logs and
 * CloudWatch turns into metrics (no CloudWatch API call, no extra permission). Off by default.
 */
@ConfigMapping(prefix = "heapfleet.collector.metrics")
public interface MetricsConfig {

  /** EMF output. */
  Emf emf();

  /** EMF settings. */
  interface Emf {
    /** Write one EMF line per {@code interval} to stdout. */
    @WithDefault("false")
    boolean enabled();

    /** The CloudWatch namespace of the metrics. */
    @WithDefault("Heapfleet")
    String namespace();

    /** How often a line is written (each holds the counts since the previous one). */
    @WithDefault("60s")
    Duration interval();
  }
}
