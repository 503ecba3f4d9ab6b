package io.heapfleet.collector.state;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.heapfleet.analysis.trend.Assessment;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the collector knows about one task, as served by {@code GET /api/tasks}. Immutable.
 *
 * @param taskId task id
 * @param cluster cluster name
 * @param service service name
 * @param live whether discovery currently sees the task (false: its series has ended)
 * @param snapshots number of stored dumps
 * @param lastCapture the newest stored dump, or null
 * @param heapUsedBytes shallow size of all objects in the newest dump (-1 if none)
 * @param assessment {@code leaking}, {@code stable}, {@code inconclusive}, or {@code unknown}
 *     (fewer than two dumps); {@link #verdict()} is the same as an {@link Assessment}
 * @param reason why the trend says so
 * @param growthMbPerHour {@code growthBytesPerHour} in MB (10^6 bytes) per hour, kept for
 *     compatibility
 * @param growing classes that grow, biggest growth first (at most 5)
 * @param lastAttempt the last capture attempt, or null
 * @param nextCapture when the scheduler will next capture it (null if not live)
 * @param recentGrowthMbPerHour {@code recentGrowthBytesPerHour} in MB (10^6 bytes) per hour, kept
 *     for compatibility
 * @param flatSince when the heap stopped making new highs after a warm-up, or null
 * @param growthBytesPerHour heap growth over the series in bytes per hour (warm-up included)
 * @param recentGrowthBytesPerHour heap growth over the latest dumps in bytes per hour: for a stable
 *     task whose cache filled and then stayed flat, this (not {@code growthBytesPerHour}, which
 *     includes the warm-up) is the figure to read
 */
public record TaskStatus(
    String taskId,
    String cluster,
    String service,
    boolean live,
    int snapshots,
    Snapshot lastCapture,
    long heapUsedBytes,
    String assessment,
    String reason,
    double growthMbPerHour,
    List<String> growing,
    Attempt lastAttempt,
    Instant nextCapture,
    double recentGrowthMbPerHour,
    Instant flatSince,
    double growthBytesPerHour,
    double recentGrowthBytesPerHour) {

  /** Bytes as the decimal MB (10^6 bytes) of the {@code …MbPerHour} fields. */
  public static double megabytes(double bytes) {
    return bytes / 1_000_000.0;
  }

  /** The {@link #assessment()} as the enum; empty while the task has too few dumps. */
  @JsonIgnore
  public Optional<Assessment> verdict() {
    return Assessment.fromJson(assessment);
  }

  /** One stored dump. */
  public record Snapshot(
      Instant time,
      String key,
      long sizeBytes,
      String sha256,
      long heapUsedBytes,
      long instances) {}

  /** One capture attempt. */
  public record Attempt(
      Instant at, String outcome, String message, long bytes, long durationMillis, int requests) {}
}
