package io.heapfleet.collector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How one dump is fetched from a task's {@code /heapdump} endpoint. */
@ConfigMapping(prefix = "heapfleet.collector.capture")
public interface CaptureConfig {

  /** TCP connect timeout to the task. */
  @WithDefault("10s")
  Duration connectTimeout();

  /**
   * Time from sending the request to the response headers: the task writes the dump before it
   * answers, so this covers the dump itself (large heaps take minutes).
   */
  @WithDefault("10m")
  Duration firstByteTimeout();

  /** The capture fails when no byte arrives for this long while the body streams. */
  @WithDefault("2m")
  Duration idleTimeout();

  /** Ask for a full GC before the dump ({@code ?live=true}): only reachable objects. */
  @WithDefault("true")
  boolean live();

  /**
   * Compression on the wire and in S3: {@code gzip} (MAT/VisualVM open it), {@code zstd}, {@code
   * raw}.
   */
  @WithDefault("gzip")
  String format();

  /**
   * Bytes buffered between the download and the histogram analyser; the only per-capture buffer
   * besides the S3 parts in flight, so collector memory does not grow with dump size.
   */
  @WithDefault("4194304")
  int analysisBufferBytes();

  /** Snapshots per task used for the trend (the newest ones). */
  @WithDefault("48")
  int trendWindow();
}
