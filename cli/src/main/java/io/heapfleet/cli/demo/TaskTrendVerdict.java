package io.heapfleet.cli.demo;

import io.heapfleet.analysis.json.TrendDocument;
import io.heapfleet.analysis.report.VerdictText;
import io.heapfleet.analysis.trend.Assessment;
import io.heapfleet.analysis.trend.Suspect;
import io.heapfleet.analysis.trend.TrendResult;
import java.util.List;

/**
 * One task's line of the demo's verdict, from the trend the collector stored for it (read with the
 * analysis' typed reader, {@code AnalysisJson.readTrend}): the assessment, the heap's growth
 * overall and lately, a warm-up plateau, and the classes that grow, the steady ones when there are
 * any. Stateless; thread-safe.
 */
public final class TaskTrendVerdict {
  private TaskTrendVerdict() {}

  /**
   * @param task the task as the collector lists it
   * @param trend its trend, or {@code null} while the collector has none (too few dumps)
   */
  public static FleetVerdict.TaskVerdict of(CollectorApi.Task task, TrendDocument trend) {
    if (trend == null) {
      return new FleetVerdict.TaskVerdict(
          task.taskId(),
          Assessment.fromJson(task.assessment()).orElse(null),
          0,
          null,
          List.of(),
          task.snapshots());
    }
    TrendResult t = trend.trend();
    List<String> growing = t.suspects().stream().map(Suspect::className).toList();
    List<String> steady =
        t.suspects().stream().filter(Suspect::steady).map(Suspect::className).toList();
    // Name the classes that meet the trend's leak rule; the rest is drift.
    if (!steady.isEmpty()) {
      growing = steady;
    }
    return new FleetVerdict.TaskVerdict(
        task.taskId(),
        t.assessment(),
        t.heapBytesPerHour(),
        VerdictText.topSuspect(t.assessment(), List.of(), growing).orElse(null),
        growing,
        task.snapshots(),
        t.recentHeapBytesPerHour(),
        t.flatSince().map(since -> new FleetVerdict.Plateau(since, t.warmUpBytes())).orElse(null));
  }
}
