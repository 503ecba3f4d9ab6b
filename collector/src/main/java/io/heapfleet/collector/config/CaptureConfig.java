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
   * Where the dump is compressed: {@code collector} (the task sends raw HPROF and the collector
   * encodes it into {@link #format()} on the way to S3: no compression CPU on the task, more bytes
   * on the network) or {@code task} (it sends {@link #format()}, spending its own CPU after the
   * pause). Tasks behind a load balancer (pinned) always compress: a raw response starts only after
   * the dump. The default follows the measurement in docs/collector.md.
   */
  @WithDefault("collector")
  String compressIn();

  /**
   * Bytes buffered between the download and the histogram analyser; the only per-capture buffer
   * besides the S3 parts in flight, so collector memory does not grow with dump size.
   */
  @WithDefault("4194304")
  int analysisBufferBytes();

  /** Snapshots per task used for the trend (the newest ones). */
  @WithDefault("48")
  int trendWindow();

  /**
   * What one capture may cost, derived from the size the task announces ({@code
   * X-Heapdump-Hprof-Bytes}, else {@code X-Heapdump-Heap-Used}): a deadline, a byte cap and a bound
   * on inflation. Each aborts the capture (and its multipart upload) and frees the service's slot.
   */
  Limits limits();

  /** {@code heapfleet.collector.capture.limits.*}; the rules are in {@code CaptureLimits}. */
  interface Limits {
    /** Every body gets this long, whatever its size; the deadline counts from the response head. */
    @WithDefault("5m")
    Duration deadlineBase();

    /** Plus one second per this many announced bytes: the slowest acceptable transfer rate. */
    @WithDefault("1048576")
    long minBytesPerSecond();

    /** The longest any body may take (also the deadline when no size is announced). */
    @WithDefault("2h")
    Duration maxDeadline();

    /** Byte cap on the wire for small dumps. */
    @WithDefault("268435456")
    long maxBytesFloor();

    /** Byte cap as a multiple of the announced size. */
    @WithDefault("2.0")
    double maxBytesFactor();

    /** The most bytes one capture takes, whatever is announced (also the cap when none is). */
    @WithDefault("68719476736")
    long maxBytesCeiling();

    /**
     * How far the inflated HPROF may exceed {@code X-Heapdump-Hprof-Bytes} (0.05 = 5 %, plus 1 MiB)
     * before the capture is refused as an inflation bomb.
     */
    @WithDefault("0.05")
    double inflationMargin();
  }
}
