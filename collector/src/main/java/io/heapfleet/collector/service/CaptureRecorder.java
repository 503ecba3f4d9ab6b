package io.heapfleet.collector.service;

import io.heapfleet.analysis.trend.Assessment;
import io.heapfleet.collector.capture.CaptureOutcome;
import io.heapfleet.collector.capture.CaptureReport;
import io.heapfleet.collector.capture.DumpCapture;
import io.heapfleet.collector.discovery.Target;
import io.heapfleet.collector.metrics.CollectorMetrics;
import io.heapfleet.collector.state.FleetState;
import io.heapfleet.collector.state.FleetState.TrendSummary;
import io.heapfleet.collector.state.TaskStatus;
import io.heapfleet.collector.state.TaskStatus.Attempt;
import io.heapfleet.collector.stats.StatsPoller;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One capture and what follows it, the same whoever asked for it (the scheduler of a single
 * collector, or a queue worker): take the dump, and when it is stored, write the task's summary,
 * diff and trend, update the fleet state, the stats series' dump marks and the task's gauges, and
 * record the attempt. Never throws for a failed capture: the failure is the result's outcome.
 * Thread-safe when its parts are (they are: each call is independent).
 */
public final class CaptureRecorder {
  private final DumpCapture capture;
  private final SeriesAnalysis analysis;
  private final FleetState state;
  private final CollectorMetrics metrics;
  private final StatsPoller stats;
  private final Clock clock;

  /**
   * @param metrics where to count captures and update gauges, or {@code null} for none
   * @param stats the stats poller to tell of each stored dump, or {@code null} when stats are off
   */
  public CaptureRecorder(
      DumpCapture capture,
      SeriesAnalysis analysis,
      FleetState state,
      CollectorMetrics metrics,
      StatsPoller stats,
      Clock clock) {
    this.capture = Objects.requireNonNull(capture, "capture");
    this.analysis = Objects.requireNonNull(analysis, "analysis");
    this.state = Objects.requireNonNull(state, "state");
    this.metrics = metrics;
    this.stats = stats;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * What one capture came to.
   *
   * @param outcome the capture's outcome; {@code STORAGE_ERROR} when the dump was stored but its
   *     analysis could not be written
   * @param message the capture's message, or why its analysis could not be written
   * @param report the capture's own report
   * @param attempt the attempt as the fleet state recorded it
   */
  public record Recorded(
      CaptureOutcome outcome, String message, CaptureReport report, Attempt attempt) {}

  /** Captures {@code t} and records the result. */
  public Recorded captureAndRecord(Target t) {
    Instant at = clock.instant();
    CaptureReport report;
    try {
      report = capture.capture(t);
    } catch (RuntimeException e) {
      report =
          new CaptureReport(
              CaptureOutcome.FAILED,
              String.valueOf(e),
              0,
              Duration.ZERO,
              0,
              Optional.empty(),
              Optional.empty(),
              Optional.empty());
    }
    CaptureOutcome outcome = report.outcome();
    String message = report.message();
    if (outcome == CaptureOutcome.STORED) {
      try {
        record(t, report);
      } catch (RuntimeException e) {
        outcome = CaptureOutcome.STORAGE_ERROR;
        message = "dump stored, but its summary/diff/trend could not be written: " + e.getMessage();
      }
    }
    Attempt attempt =
        new Attempt(
            at,
            outcome.tag(),
            message,
            report.bytes(),
            report.duration().toMillis(),
            report.requests());
    state.attempted(t.taskId(), t.cluster(), t.service(), attempt);
    if (metrics != null) {
      metrics.captured(outcome, report.bytes(), report.duration());
    }
    return new Recorded(outcome, message, report, attempt);
  }

  private void record(Target t, CaptureReport report) {
    TrendSummary trend =
        analysis.afterCapture(t, report.stored().orElseThrow(), report.histogram().orElseThrow());
    TaskStatus.Snapshot snap =
        SeriesAnalysis.snapshot(report.stored().get(), report.histogram().get());
    state.stored(t.taskId(), t.cluster(), t.service(), snap, trend);
    if (stats != null) {
      stats.dumpStored(t.taskId(), report.stored().get().time());
    }
    // The state's verdict also weighs the stats series: report that one, not the dumps' alone.
    trend = state.trend(t.taskId()).orElse(trend);
    if (metrics != null) {
      metrics.task(
          t.cluster(),
          t.service(),
          t.taskId(),
          snap.heapUsedBytes(),
          Assessment.fromJson(trend.assessment()).orElse(null),
          trend.growthBytesPerHour());
    }
  }
}
