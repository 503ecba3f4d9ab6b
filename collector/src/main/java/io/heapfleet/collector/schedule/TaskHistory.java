package io.heapfleet.collector.schedule;

import io.heapfleet.collector.stats.StatsSample;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link CapturePolicy} knows of one task. Immutable.
 *
 * @param taskId the series id
 * @param firstSeen when discovery first reported the task to this collector
 * @param lastDump when its newest dump was stored (from S3 after a restart), if any
 * @param statsReady whether the task's stored stats series has been read (or found absent): until
 *     then a restarted collector does not know the history and must not take a new baseline
 * @param samples the stats series, oldest first
 * @param heapMax the heap limit the task reports, or -1
 * @param lastProbe when the task was last asked for a full collection, if ever
 * @param probeable whether the task may be asked for one (its agent is not known to refuse)
 * @param started when the task's process started (from its uptime), if known
 */
public record TaskHistory(
    String taskId,
    Instant firstSeen,
    Optional<Instant> lastDump,
    boolean statsReady,
    List<StatsSample> samples,
    long heapMax,
    Optional<Instant> lastProbe,
    boolean probeable,
    Optional<Instant> started) {
  public TaskHistory {
    Objects.requireNonNull(started, "started");
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(firstSeen, "firstSeen");
    Objects.requireNonNull(lastDump, "lastDump");
    Objects.requireNonNull(lastProbe, "lastProbe");
    samples = List.copyOf(samples);
  }

  /** A history of a task that cannot be asked for a full collection. */
  public TaskHistory(
      String taskId,
      Instant firstSeen,
      Optional<Instant> lastDump,
      boolean statsReady,
      List<StatsSample> samples,
      long heapMax) {
    this(
        taskId,
        firstSeen,
        lastDump,
        statsReady,
        samples,
        heapMax,
        Optional.empty(),
        false,
        Optional.empty());
  }
}
