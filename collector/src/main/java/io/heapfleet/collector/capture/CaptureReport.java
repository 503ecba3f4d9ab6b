package io.heapfleet.collector.capture;

import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.storage.StoredDump;
import java.time.Duration;
import java.util.Optional;

/**
 * The result of one capture attempt. For {@link CaptureOutcome#STORED} the stored dump and its
 * histogram are present. Immutable.
 *
 * @param outcome how it ended
 * @param message what happened, for people (never contains a token)
 * @param bytes dump bytes received (stored bytes when stored)
 * @param duration request to stored (or to the failure)
 * @param requests HTTP requests it took (more than one when pinned through a load balancer)
 * @param retryAfter the endpoint's {@code Retry-After}, for 429
 * @param stored the stored dump
 * @param histogram the dump's class histogram
 */
public record CaptureReport(
    CaptureOutcome outcome,
    String message,
    long bytes,
    Duration duration,
    int requests,
    Optional<Duration> retryAfter,
    Optional<StoredDump> stored,
    Optional<ClassHistogram> histogram) {

  static CaptureReport failed(
      CaptureOutcome outcome,
      String message,
      long bytes,
      Duration duration,
      int requests,
      Optional<Duration> retryAfter) {
    return new CaptureReport(
        outcome,
        message,
        bytes,
        duration,
        requests,
        retryAfter,
        Optional.empty(),
        Optional.empty());
  }
}
