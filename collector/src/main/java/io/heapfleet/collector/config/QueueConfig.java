package io.heapfleet.collector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Queue-backed scale-out: several collectors share one fleet through an SQS FIFO queue. Off by
 * default (one process discovers, schedules and captures, as always).
 */
@ConfigMapping(prefix = "heapfleet.collector.queue")
public interface QueueConfig {

  /**
   * The role of this collector: {@code off} (one process does everything), {@code planner}
   * (discovers and queues due captures; captures nothing on schedule), {@code worker} (captures
   * what the queue hands it) or {@code both}. In every queue role the scheduled captures of the
   * single-process mode are off; on-demand captures through the API still run where requested.
   */
  @WithDefault("off")
  String role();

  /** The FIFO queue's URL (ends in {@code .fifo}); required in every queue role. */
  Optional<String> url();

  /** SQS endpoint override (ElasticMQ, a VPC endpoint); the SDK's default otherwise. */
  Optional<URI> endpointOverride();

  /** SQS region; the SDK's default chain otherwise. */
  Optional<String> region();

  /**
   * Captures of one service allowed at once over all workers: the planner spreads a service's tasks
   * over this many message groups ({@code service#0..k-1}); SQS hands out one message of a group at
   * a time.
   */
  @WithDefault("1")
  int perService();

  /** How often the planner queues what is due (and refreshes discovery when due). */
  @WithDefault("15s")
  Duration planEvery();

  /** Captures one worker runs at once. */
  @WithDefault("2")
  int concurrency();

  /**
   * How long a received message stays invisible to other workers without an extension; extended
   * every third of it while the capture runs, so a worker that dies hands the capture on after at
   * most this long.
   */
  @WithDefault("2m")
  Duration visibility();

  /** Long-polling wait of one receive (at most 20 s). */
  @WithDefault("20s")
  Duration pollWait();

  /** When a failed capture is offered again (the queue's redrive policy bounds the retries). */
  @WithDefault("1m")
  Duration retryDelay();

  /** How often a worker catches up from S3 with the series other workers stored. */
  @WithDefault("1m")
  Duration stateRefresh();
}
