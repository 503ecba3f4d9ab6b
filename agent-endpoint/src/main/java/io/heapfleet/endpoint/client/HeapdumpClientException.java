package io.heapfleet.endpoint.client;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * A {@code /heapdump} endpoint refused or failed a request: the HTTP status, the protocol's error
 * code ({@code unauthorized}, {@code misdirected}, {@code busy}, {@code too_soon}, {@code
 * insufficient_storage}, {@code unavailable}, {@code dump_failed}, ...) and message, and for 429
 * the {@code Retry-After}. The message never contains a token.
 */
public class HeapdumpClientException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String error;
  private final transient Duration retryAfter;
  private final String taskId;
  private final int attempts;

  public HeapdumpClientException(
      int status, String error, String message, Duration retryAfter, String taskId, int attempts) {
    super(message);
    this.status = status;
    this.error = error;
    this.retryAfter = retryAfter;
    this.taskId = taskId;
    this.attempts = attempts;
  }

  /** The HTTP status, e.g. 401, 421, 429, 503, 507. */
  public int status() {
    return status;
  }

  /** The protocol's error code from the JSON body, or {@code http_<status>} without one. */
  public String error() {
    return error;
  }

  /** How long to wait before asking again (429), when the endpoint said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** The task that answered last, when it said ({@code X-Heapdump-Task}). */
  public Optional<String> taskId() {
    return Optional.ofNullable(taskId);
  }

  /** How many requests were made (more than one when pinning a task). */
  public int attempts() {
    return attempts;
  }
}
