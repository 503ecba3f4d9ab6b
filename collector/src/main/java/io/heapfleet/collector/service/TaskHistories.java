package io.heapfleet.collector.service;

import io.heapfleet.collector.discovery.Target;
import io.heapfleet.collector.schedule.CaptureScheduler;
import io.heapfleet.collector.schedule.TaskHistory;
import io.heapfleet.collector.state.FleetState;
import io.heapfleet.collector.state.TaskStatus.Snapshot;
import io.heapfleet.collector.stats.StatsPoller;
import io.heapfleet.collector.stats.StatsSeries;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A task's history for the capture policy, from what the collector knows: its stats series (and the
 * last dump it recorded, persisted with it) and its stored dumps (rebuilt from S3 after a restart).
 * The newest dump known to any of them counts. Thread-safe.
 */
final class TaskHistories implements CaptureScheduler.HistorySource {

  private final FleetState state;
  private final StatsPoller stats;

  /**
   * @param stats the poller, or null when stats are off (the policy then sees no samples)
   */
  TaskHistories(FleetState state, StatsPoller stats) {
    this.state = state;
    this.stats = stats;
  }

  @Override
  public TaskHistory history(Target t, Instant firstSeen, Optional<Instant> lastSuccess) {
    Optional<Instant> last = lastSuccess;
    List<Snapshot> snaps = state.snapshots(t.taskId());
    if (!snaps.isEmpty()) {
      last = newest(last, snaps.get(snaps.size() - 1).time());
    }
    Optional<StatsSeries> series = stats == null ? Optional.empty() : stats.series(t.taskId());
    if (series.isPresent() && series.get().lastDump().isPresent()) {
      last = newest(last, series.get().lastDump().get());
    }
    boolean ready = stats == null || stats.ready(t.taskId());
    return new TaskHistory(
        t.taskId(),
        firstSeen,
        last,
        ready,
        series.map(StatsSeries::samples).orElse(List.of()),
        series.map(StatsSeries::heapMax).orElse(-1L),
        stats == null ? Optional.empty() : stats.lastProbe(t.taskId()),
        stats != null && stats.probeable(t.taskId()),
        stats == null ? Optional.empty() : stats.started(t.taskId()));
  }

  @Override
  public void probe(Target t) {
    if (stats != null) {
      stats.probe(t);
    }
  }

  private static Optional<Instant> newest(Optional<Instant> a, Instant b) {
    return a.isPresent() && a.get().isAfter(b) ? a : Optional.of(b);
  }
}
