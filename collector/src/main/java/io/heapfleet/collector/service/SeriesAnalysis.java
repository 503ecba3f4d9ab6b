package io.heapfleet.collector.service;

import io.heapfleet.analysis.diff.DiffResult;
import io.heapfleet.analysis.diff.HistogramDiff;
import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.json.AnalysisJson;
import io.heapfleet.analysis.report.Markdown;
import io.heapfleet.analysis.retainer.DeepJson;
import io.heapfleet.analysis.retainer.DeepResult;
import io.heapfleet.analysis.retainer.GrowingOwner;
import io.heapfleet.analysis.retainer.OwnerRanking;
import io.heapfleet.analysis.retainer.SuspectOwner;
import io.heapfleet.analysis.trend.TrendAnalysis;
import io.heapfleet.analysis.trend.TrendResult;
import io.heapfleet.collector.discovery.Target;
import io.heapfleet.collector.state.FleetState;
import io.heapfleet.collector.state.FleetState.TrendSummary;
import io.heapfleet.collector.state.TaskStatus.Snapshot;
import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.StoredDump;
import io.heapfleet.storage.TaskArtifact;
import io.heapfleet.storage.TaskRef;
import io.heapfleet.storage.TaskState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The summary-only analysis of a task's series: after each capture it stores the dump's histogram
 * as the summary JSON beside the dump, diffs it against the previous dump's summary and recomputes
 * the trend over the newest {@code window} summaries, writing {@code diff.json/md} and {@code
 * trend.json/md} to S3. Keeps only the newest histogram (and trend) per task in memory.
 *
 * <p>When a trend is {@code leaking} or {@code inconclusive} (what still grows is worth naming, as
 * what grows rather than as a leak) and a {@link DeepAnalyser} is configured, the newest dump is
 * downloaded once more and analysed deeply in the background; its result is stored as {@code
 * deep.json} and the trend is rewritten with each suspect's {@code owner}, {@code retainedBytes}
 * and {@code path}. Later trends of the task keep the last known owners until the next deep
 * analysis replaces them; {@link #growingOwners} ranks them owner first ({@link OwnerRanking}). On
 * start, {@link #restoreTask} reads the owners back from the stored {@code deep.json} of every task
 * whose rebuilt trend is leaking, so a restarted collector still names them. Thread-safe (per-task
 * work runs on one capture thread at a time; trend writes are serialised with the deep analysis'
 * rewrite).
 */
public final class SeriesAnalysis {
  private static final Logger LOG = Logger.getLogger(SeriesAnalysis.class);
  private static final int GROWING_SHOWN = 5;

  /** Classes listed in diff.md. */
  private static final int DIFF_ROWS = 30;

  private final DumpStore store;
  private final int window;
  private final Map<String, Latest> latest = new ConcurrentHashMap<>();

  /** Per task id: the owners found by the last deep analysis (suspect class → owner). */
  private final Map<String, Map<String, SuspectOwner>> owners = new ConcurrentHashMap<>();

  /** Per task id: the last trend written, to rewrite it when owners arrive. */
  private final Map<String, TrendResult> trends = new ConcurrentHashMap<>();

  /** Serialises trend.json/md writes of the capture threads and the deep analysis. */
  private final Object trendWrites = new Object();

  private final DeepAnalyser deep;

  private record Latest(StoredDump dump, ClassHistogram histogram) {}

  public SeriesAnalysis(DumpStore store, int window) {
    this(store, window, null);
  }

  /**
   * @param deep runs the deep analysis when a trend is leaking or inconclusive; {@code null} =
   *     never
   */
  public SeriesAnalysis(DumpStore store, int window, DeepAnalyser deep) {
    if (window < 2) {
      throw new IllegalArgumentException("trend window must be >= 2, got " + window);
    }
    this.store = store;
    this.window = window;
    this.deep = deep;
  }

  /** The API's snapshot view of a stored dump with its histogram. */
  public static Snapshot snapshot(StoredDump d, ClassHistogram h) {
    return new Snapshot(
        d.time(), d.objectKey(), d.sizeBytes(), d.sha256(), h.shallowBytes(), h.instances());
  }

  /** Writes summary, diff and trend for a freshly stored dump; returns the task's trend. */
  public TrendSummary afterCapture(Target target, StoredDump stored, ClassHistogram histogram) {
    store.putSummary(stored.key(), AnalysisJson.histogramToString(histogram));
    TaskRef task = stored.key().task();
    Latest previous = latest.get(target.taskId());
    List<ClassHistogram> series = loadWindow(task, stored, histogram);
    ClassHistogram base = null;
    if (series.size() >= 2) {
      // The series in S3 is the truth: with several workers, the dump this process remembers may
      // not be the task's last one.
      base = series.get(series.size() - 2);
    } else if (previous != null && previous.dump().time().isBefore(stored.time())) {
      base = previous.histogram();
    }
    latest.put(target.taskId(), new Latest(stored, histogram));
    if (base != null) {
      DiffResult diff = HistogramDiff.between(base, histogram);
      store.putArtifact(task, TaskArtifact.DIFF_JSON, AnalysisJson.diffToString(diff));
      store.putArtifact(task, TaskArtifact.DIFF_MD, Markdown.diff(diff, DIFF_ROWS));
    }
    if (series.size() < 2) {
      return TrendSummary.UNKNOWN;
    }
    TrendResult trend = TrendAnalysis.of(series);
    synchronized (trendWrites) {
      trends.put(task.taskId(), trend);
      if (!trend.assessment().hasGrowthToExplain()) {
        owners.remove(task.taskId()); // owners explain growth; a stable trend has none to explain
      }
      writeTrend(task, trend);
    }
    if (deep != null && trend.assessment().hasGrowthToExplain()) {
      deep.offer(stored, trend, result -> ownersFound(task, stored, result));
    }
    return summarize(trend);
  }

  private void writeTrend(TaskRef task, TrendResult trend) {
    Map<String, SuspectOwner> known = owners.getOrDefault(task.taskId(), Map.of());
    store.putArtifact(task, TaskArtifact.TREND_JSON, AnalysisJson.trendToString(trend, known));
    store.putArtifact(task, TaskArtifact.TREND_MD, Markdown.trend(trend, known));
  }

  /**
   * Stores a deep analysis of {@code dump} as {@code deep.json} and rewrites the task's latest
   * trend with the owners it found.
   */
  void ownersFound(TaskRef task, StoredDump dump, DeepResult result) {
    store.putArtifact(task, TaskArtifact.DEEP_JSON, DeepJson.toJson(result));
    Map<String, SuspectOwner> found = new LinkedHashMap<>();
    result.suspectOwners().forEach(o -> found.put(o.className(), o));
    synchronized (trendWrites) {
      TrendResult trend = trends.get(task.taskId());
      if (trend != null && trend.assessment().hasGrowthToExplain()) {
        owners.put(task.taskId(), java.util.Collections.unmodifiableMap(found));
        writeTrend(task, trend);
      }
    }
    LOG.debugf("owners of %s from %s: %s", task.taskId(), dump.objectKey(), found.keySet());
  }

  /** The owners the last deep analysis found for a task (suspect class → owner), if any. */
  public Map<String, SuspectOwner> owners(String taskId) {
    return owners.getOrDefault(taskId, Map.of());
  }

  /**
   * The task's latest trend attributed to owners, best first: what to name first when the task
   * leaks, or what grows while its trend is inconclusive. Empty when no deep analysis has named an
   * owner for its suspects (yet), or the trend is stable.
   */
  public List<GrowingOwner> growingOwners(String taskId) {
    synchronized (trendWrites) {
      TrendResult trend = trends.get(taskId);
      Map<String, SuspectOwner> known = owners.get(taskId);
      if (trend == null || known == null || !trend.assessment().hasGrowthToExplain()) {
        return List.of();
      }
      return OwnerRanking.rank(trend, known);
    }
  }

  static TrendSummary summarize(TrendResult trend) {
    List<String> growing = new ArrayList<>();
    trend.suspects().stream().limit(GROWING_SHOWN).forEach(s -> growing.add(s.className()));
    return new TrendSummary(
        trend.assessment().json(),
        trend.reason(),
        trend.heapBytesPerHour(),
        growing,
        trend.recentHeapBytesPerHour(),
        trend.flatSince().orElse(null));
  }

  /**
   * The newest {@code window} summaries of the task's series, oldest first, ending with {@code
   * current}.
   */
  private List<ClassHistogram> loadWindow(TaskRef task, StoredDump current, ClassHistogram h) {
    List<StoredDump> dumps = new ArrayList<>(store.listSeries(task));
    dumps.removeIf(d -> !d.time().isBefore(current.time()));
    List<ClassHistogram> out = new ArrayList<>();
    for (int i = Math.max(0, dumps.size() - (window - 1)); i < dumps.size(); i++) {
      readSummary(dumps.get(i)).ifPresent(out::add);
    }
    out.add(h);
    return out;
  }

  private Optional<ClassHistogram> readSummary(StoredDump d) {
    Optional<String> json = store.readSummary(d.key());
    if (json.isEmpty()) {
      return Optional.empty(); // a dump whose analysis never completed: not part of the trend
    }
    try {
      return Optional.of(AnalysisJson.readHistogram(json.get()));
    } catch (IOException e) {
      LOG.warnf("summary of %s is unreadable, skipped: %s", d.objectKey(), e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Rebuilds every task's series and trend from S3 (summaries only), from one listing of the whole
   * bucket. Tasks are marked not live until discovery sees them. For small buckets and tools: the
   * collector restores lazily through {@link StateRestore}.
   */
  public void restoreInto(FleetState state) {
    List<TaskState> tasks = store.tasks();
    for (TaskState ts : tasks) {
      restoreSeries(ts.task(), ts.dumps(), state);
    }
    LOG.infof("restored %d task series from S3", tasks.size());
  }

  /**
   * Rebuilds one task's series and trend from S3: its index marker, one listing of its folder and
   * the summaries of the trend window.
   *
   * @return whether the task has a series in S3
   */
  public boolean restoreTask(String taskId, FleetState state) {
    Optional<TaskRef> task = store.findTask(taskId);
    if (task.isEmpty()) {
      return false;
    }
    restoreSeries(task.get(), store.listSeries(task.get()), state);
    return true;
  }

  /**
   * Adds an ended task from its index marker alone (no listing, no summaries): its dumps are listed
   * with unknown heap figures and its trend is read when the task is opened ({@link #restoreTask}).
   * Nothing happens when the task is known already.
   */
  public boolean restoreEnded(TaskState indexed, FleetState state) {
    List<Snapshot> snaps = new ArrayList<>();
    for (StoredDump d : indexed.dumps()) {
      snaps.add(new Snapshot(d.time(), d.objectKey(), d.sizeBytes(), d.sha256(), -1, -1));
    }
    TaskRef task = indexed.task();
    return state.restoreShallow(task.taskId(), task.cluster(), task.service(), snaps);
  }

  private void restoreSeries(TaskRef task, List<StoredDump> dumps, FleetState state) {
    List<Snapshot> snaps = new ArrayList<>();
    List<ClassHistogram> window = new ArrayList<>();
    int from = Math.max(0, dumps.size() - this.window);
    for (int i = 0; i < dumps.size(); i++) {
      StoredDump d = dumps.get(i);
      Optional<ClassHistogram> h = i >= from ? readSummary(d) : Optional.empty();
      if (h.isPresent()) {
        window.add(h.get());
        snaps.add(snapshot(d, h.get()));
        if (i == dumps.size() - 1) {
          // A capture may have stored a newer dump while this restore ran: keep the newer one.
          latest.merge(
              task.taskId(),
              new Latest(d, h.get()),
              (old, restored) -> old.dump().time().isAfter(d.time()) ? old : restored);
        }
      } else {
        snaps.add(new Snapshot(d.time(), d.objectKey(), d.sizeBytes(), d.sha256(), -1, -1));
      }
    }
    TrendSummary trend = TrendSummary.UNKNOWN;
    if (window.size() >= 2) {
      try {
        TrendResult result = TrendAnalysis.of(window);
        trend = summarize(result);
        restoreOwners(task, result);
      } catch (RuntimeException e) {
        LOG.warnf("trend of task %s could not be rebuilt: %s", task.taskId(), e.getMessage());
        trend = TrendSummary.UNKNOWN;
      }
    }
    state.restore(task.taskId(), task.cluster(), task.service(), snaps, trend);
  }

  /**
   * Keeps the rebuilt trend and, when it is leaking or inconclusive, the owners of the stored
   * {@code deep.json} (the deep analysis is not run again on start; the next such capture refreshes
   * it).
   */
  private void restoreOwners(TaskRef task, TrendResult trend) {
    synchronized (trendWrites) {
      trends.put(task.taskId(), trend);
    }
    if (!trend.assessment().hasGrowthToExplain()) {
      return; // owners explain growth; the stored deep.json may be from an earlier, growing trend
    }
    Optional<String> deepJson = store.readArtifact(task, TaskArtifact.DEEP_JSON);
    if (deepJson.isEmpty()) {
      return;
    }
    try {
      Map<String, SuspectOwner> found = AnalysisJson.readSuspectOwners(deepJson.get());
      if (!found.isEmpty()) {
        synchronized (trendWrites) {
          owners.put(task.taskId(), java.util.Collections.unmodifiableMap(found));
        }
      }
    } catch (IOException e) {
      LOG.warnf(
          "deep.json of task %s is unreadable, its owners are not restored: %s",
          task.taskId(), e.getMessage());
    }
  }

  /** Where a task's series lives, if it has one. */
  public Optional<TaskRef> findTask(String taskId) {
    return store.findTask(taskId);
  }

  /** A stored per-task artifact (diff/trend JSON or Markdown). */
  public Optional<String> artifact(String taskId, TaskArtifact artifact) {
    return store.findTask(taskId).flatMap(t -> store.readArtifact(t, artifact));
  }
}
