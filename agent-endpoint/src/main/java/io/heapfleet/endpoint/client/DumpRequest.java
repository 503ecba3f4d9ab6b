package io.heapfleet.endpoint.client;

import io.heapfleet.auth.Compression;
import io.heapfleet.endpoint.TaskIdentity;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What to ask a {@code /heapdump} endpoint for: format, live objects only, and optionally the task
 * to pin (retrying through a load balancer until that task answers, at most {@link #maxAttempts()}
 * times). Immutable and thread-safe; the {@code with...} methods return copies.
 */
public final class DumpRequest {

  /** Default bound on attempts when pinning a task. */
  public static final int DEFAULT_MAX_ATTEMPTS = 20;

  private final Compression format;
  private final boolean live;
  private final String targetTask;
  private final int maxAttempts;
  private final Duration timeout;

  private DumpRequest(
      Compression format, boolean live, String targetTask, int maxAttempts, Duration timeout) {
    this.format = format;
    this.live = live;
    this.targetTask = targetTask;
    this.maxAttempts = maxAttempts;
    this.timeout = timeout;
  }

  /** The endpoint's default format, live objects, no pinning, 20 attempts, 10 min timeout. */
  public static DumpRequest defaults() {
    return new DumpRequest(null, true, null, DEFAULT_MAX_ATTEMPTS, Duration.ofMinutes(10));
  }

  /** The format to ask for; empty means the endpoint's default. */
  public Optional<Compression> format() {
    return Optional.ofNullable(format);
  }

  public boolean live() {
    return live;
  }

  /** The task that must answer (sent as {@code X-Heapdump-Target-Task}); empty for any task. */
  public Optional<String> targetTask() {
    return Optional.ofNullable(targetTask);
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  /** How long to wait for the response headers (the dump is taken before they are sent). */
  public Duration timeout() {
    return timeout;
  }

  public DumpRequest withFormat(Compression format) {
    return new DumpRequest(format, live, targetTask, maxAttempts, timeout);
  }

  /**
   * @deprecated use {@link #withFormat(Compression)}.
   */
  @Deprecated
  public DumpRequest withFormat(io.heapfleet.endpoint.DumpFormat format) {
    return withFormat(format.compression());
  }

  public DumpRequest withLive(boolean live) {
    return new DumpRequest(format, live, targetTask, maxAttempts, timeout);
  }

  /** Pins {@code taskId}; null removes the pin. */
  public DumpRequest withTargetTask(String taskId) {
    if (taskId != null && !TaskIdentity.isValidTaskId(taskId)) {
      throw new IllegalArgumentException(
          "task id '" + taskId + "' may only contain letters, digits, '.', '_', '-'");
    }
    return new DumpRequest(format, live, taskId, maxAttempts, timeout);
  }

  public DumpRequest withMaxAttempts(int maxAttempts) {
    if (maxAttempts < 1 || maxAttempts > 1000) {
      throw new IllegalArgumentException("maxAttempts must be 1..1000, was " + maxAttempts);
    }
    return new DumpRequest(format, live, targetTask, maxAttempts, timeout);
  }

  public DumpRequest withTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    return new DumpRequest(format, live, targetTask, maxAttempts, timeout);
  }

  @Override
  public String toString() {
    return "DumpRequest[format="
        + (format == null ? "default" : format.id())
        + ", live="
        + live
        + ", targetTask="
        + targetTask
        + ", maxAttempts="
        + maxAttempts
        + "]";
  }
}
