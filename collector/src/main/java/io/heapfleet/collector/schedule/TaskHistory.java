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
 */
public record TaskHistory(
    String taskId,
    Instant firstSeen,
    Optional<Instant> lastDump,
    boolean statsReady,
    List<StatsSample> samples,
    long heapMax) {
  public TaskHistory {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(firstSeen, "firstSeen");
    Objects.requireNonNull(lastDump, "lastDump");
    samples = List.copyOf(samples);
  }
}
