package io.heapfleet.collector.capture;

import java.util.Locale;

/** How one capture attempt ended; the metric tag {@code outcome} is {@link #tag()}. */
public enum CaptureOutcome {
  /** Dump stored, summary written, diff and trend updated. */
  STORED,
  /** The endpoint refused the token (401): wrong secret or scope. Not retried before next round. */
  UNAUTHORIZED,
  /**
   * The endpoint did not prove, with the shared secret, that it is the task expected (or claimed an
   * id that breaks the task-id rule): it was sent no credential. Not retried before next round.
   */
  UNTRUSTED,
  /** The endpoint was busy or dumped too recently (429); retried after its Retry-After. */
  BUSY,
  /** A pinned capture through a load balancer never reached its task (421 every attempt). */
  NOT_LANDED,
  /** The task could not be reached (connect refused or timed out). */
  UNREACHABLE,
  /** No response headers within the first-byte timeout, or the body stalled (idle timeout). */
  TIMEOUT,
  /** The body ended early or its bytes are not a valid dump (task died mid-dump). */
  TRUNCATED,
  /** The body did not arrive within the capture's deadline (a trickling task); aborted. */
  DEADLINE,
  /** The body passed the capture's byte cap (an endless stream); aborted. */
  TOO_LARGE,
  /** The dump inflated past the {@code X-Heapdump-Hprof-Bytes} it announced; aborted. */
  INFLATION,
  /**
   * The dump broke a reader limit (a string longer than any JVM writes, too many strings or
   * classes) or ran the analysis out of memory; aborted, the collector carries on.
   */
  BAD_DUMP,
  /** The endpoint answered with an error (503 cannot dump, 507 no disk, 500 dump failed ...). */
  ENDPOINT_ERROR,
  /** S3 refused the upload or a write of summary/diff/trend. */
  STORAGE_ERROR,
  /** Anything else (a bug or an unexpected response); the message says what. */
  FAILED;

  /** Lower-case name for metrics and JSON. */
  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
