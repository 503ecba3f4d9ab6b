package io.heapfleet.collector.state;

import io.heapfleet.collector.state.TaskStatus.Attempt;
import io.heapfleet.collector.state.TaskStatus.Snapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The collector's in-memory view of every task it knows: live ones from discovery and ended ones
 * whose series is in S3. It is a cache: S3 is the source of truth and the view is rebuilt from it
 * on start. Thread-safe (synchronized; updates are rare and small).
 */
public final class FleetState {

  /**
   * The trend of one task's series, reduced to what the API and metrics need.
   *
   * @param growthBytesPerHour heap slope over the whole series, bytes per hour (the trend's {@code
   *     heapBytesPerHour})
   * @param recentGrowthBytesPerHour heap slope over the latest dumps (after a warm-up, if any),
   *     bytes per hour
   * @param flatSince when the heap stopped making new highs after a warm-up, or {@code null}
   */
  public record TrendSummary(
      String assessment,
      String reason,
      double growthBytesPerHour,
      List<String> growing,
      double recentGrowthBytesPerHour,
      Instant flatSince) {
    public static final TrendSummary UNKNOWN =
        new TrendSummary("unknown", "fewer than two snapshots", 0, List.of(), 0, null);

    /** The trend of an ended task restored from its index marker only (not read yet). */
    public static final TrendSummary NOT_LOADED =
        new TrendSummary(
            "unknown",
            "ended before the collector started; its trend is read from S3 when the task is opened",
            0,
            List.of(),
            0,
            null);
  }

  private static final class Entry {
    final String taskId;
    String cluster;
    String service;
    boolean live;
    final List<Snapshot> snapshots = new ArrayList<>();
    TrendSummary trend = TrendSummary.UNKNOWN;
    TrendSummary statsTrend;
    Attempt lastAttempt;

    /** Restored from the index marker only: series without summaries, trend not read. */
    boolean shallow;

    Entry(String taskId, String cluster, String service) {
      this.taskId = taskId;
      this.cluster = cluster;
      this.service = service;
    }
  }

  private final Map<String, Entry> tasks = new LinkedHashMap<>();

  private Entry entry(String taskId, String cluster, String service) {
    Entry e = tasks.computeIfAbsent(taskId, id -> new Entry(id, cluster, service));
    if (cluster != null) {
      e.cluster = cluster;
    }
    if (service != null) {
      e.service = service;
    }
    return e;
  }

  /** Marks which tasks discovery sees now; all others are not live (their series has ended). */
  public synchronized void setLive(Map<String, String[]> clusterAndServiceByTask) {
    for (Entry e : tasks.values()) {
      e.live = false;
    }
    clusterAndServiceByTask.forEach((id, cs) -> entry(id, cs[0], cs[1]).live = true);
  }

  /** Adds a task's stored series (on start, rebuilt from S3), replacing what was known. */
  public synchronized void restore(
      String taskId, String cluster, String service, List<Snapshot> series, TrendSummary trend) {
    Entry e = entry(taskId, cluster, service);
    e.snapshots.clear();
    e.snapshots.addAll(series);
    e.snapshots.sort(Comparator.comparing(Snapshot::time));
    e.trend = trend;
    e.shallow = false;
  }

  /**
   * Adds an ended task known only from its index marker ({@link TrendSummary#NOT_LOADED}), unless
   * the task is known already (live, captured or fully restored meanwhile).
   *
   * @return whether it was added
   */
  public synchronized boolean restoreShallow(
      String taskId, String cluster, String service, List<Snapshot> series) {
    if (tasks.containsKey(taskId)) {
      return false;
    }
    Entry e = entry(taskId, cluster, service);
    e.snapshots.addAll(series);
    e.snapshots.sort(Comparator.comparing(Snapshot::time));
    e.trend = TrendSummary.NOT_LOADED;
    e.shallow = true;
    return true;
  }

  /** Whether the task was restored from its marker only and its trend is not loaded yet. */
  public synchronized boolean isShallow(String taskId) {
    Entry e = tasks.get(taskId);
    return e != null && e.shallow;
  }

  /** The ids of the tasks discovery sees now. */
  public synchronized List<String> liveTaskIds() {
    List<String> ids = new ArrayList<>();
    for (Entry e : tasks.values()) {
      if (e.live) {
        ids.add(e.taskId);
      }
    }
    return ids;
  }

  /** How many tasks are known (live and ended). */
  public synchronized int size() {
    return tasks.size();
  }

  /** Records a stored capture and the task's updated trend. */
  public synchronized void stored(
      String taskId, String cluster, String service, Snapshot snapshot, TrendSummary trend) {
    Entry e = entry(taskId, cluster, service);
    e.snapshots.add(snapshot);
    e.snapshots.sort(Comparator.comparing(Snapshot::time));
    e.trend = trend;
    e.shallow = false;
  }

  /**
   * Records what the task's stats series says ({@code null}: nothing yet). It decides the verdict
   * while the dumps cannot ({@link #verdict}).
   */
  public synchronized void statsTrend(String taskId, TrendSummary statsTrend) {
    Entry e = tasks.get(taskId);
    if (e != null) {
      e.statsTrend = statsTrend;
    }
  }

  /** The task's verdict from its dumps and its stats together ({@link #verdict}). */
  public synchronized Optional<TrendSummary> trend(String taskId) {
    Entry e = tasks.get(taskId);
    return e == null ? Optional.empty() : Optional.of(verdict(e.trend, e.statsTrend));
  }

  /**
   * The verdict from both sources: the stats series says whether and how fast at minute resolution,
   * the dumps say what grows. While the dumps cannot decide (fewer than two, or their trend is
   * inconclusive), a definite stats verdict ({@code stable} or {@code leaking}) is the task's
   * verdict, with its slope, and the dumps' growing classes where they have any; a task with one
   * baseline dump and a flat old generation is therefore {@code stable}. Otherwise the dumps' trend
   * stands.
   */
  public static TrendSummary verdict(TrendSummary dumps, TrendSummary stats) {
    if (stats == null) {
      return dumps;
    }
    boolean dumpsUndecided =
        dumps.assessment().equals(TrendSummary.UNKNOWN.assessment())
            || dumps.assessment().equals("inconclusive");
    boolean statsDecided =
        stats.assessment().equals("stable") || stats.assessment().equals("leaking");
    if (dumpsUndecided && (statsDecided || dumps == TrendSummary.UNKNOWN)) {
      return new TrendSummary(
          stats.assessment(),
          "from stats: " + stats.reason(),
          stats.growthBytesPerHour(),
          dumps.growing(),
          stats.recentGrowthBytesPerHour(),
          null);
    }
    return dumps;
  }

  /** Records the last capture attempt (stored or failed). */
  public synchronized void attempted(String taskId, String cluster, String service, Attempt a) {
    entry(taskId, cluster, service).lastAttempt = a;
  }

  /** The stored series of a task, oldest first. */
  public synchronized List<Snapshot> snapshots(String taskId) {
    Entry e = tasks.get(taskId);
    return e == null ? List.of() : List.copyOf(e.snapshots);
  }

  /** Whether the task is known at all (live or with stored dumps). */
  public synchronized boolean knows(String taskId) {
    return tasks.containsKey(taskId);
  }

  /** Every known task; {@code nextCapture} says when each live one is due. */
  public synchronized List<TaskStatus> tasks(Function<String, Instant> nextCapture) {
    List<TaskStatus> out = new ArrayList<>();
    for (Entry e : tasks.values()) {
      out.add(status(e, nextCapture));
    }
    return out;
  }

  /** One task. */
  public synchronized Optional<TaskStatus> task(String taskId, Function<String, Instant> next) {
    Entry e = tasks.get(taskId);
    return e == null ? Optional.empty() : Optional.of(status(e, next));
  }

  private static TaskStatus status(Entry e, Function<String, Instant> nextCapture) {
    Snapshot last = e.snapshots.isEmpty() ? null : e.snapshots.get(e.snapshots.size() - 1);
    TrendSummary trend = verdict(e.trend, e.statsTrend);
    return new TaskStatus(
        e.taskId,
        e.cluster,
        e.service,
        e.live,
        e.snapshots.size(),
        last,
        last == null ? -1 : last.heapUsedBytes(),
        trend.assessment(),
        trend.reason(),
        TaskStatus.megabytes(trend.growthBytesPerHour()),
        trend.growing(),
        e.lastAttempt,
        e.live ? nextCapture.apply(e.taskId) : null,
        TaskStatus.megabytes(trend.recentGrowthBytesPerHour()),
        trend.flatSince(),
        trend.growthBytesPerHour(),
        trend.recentGrowthBytesPerHour());
  }
}
