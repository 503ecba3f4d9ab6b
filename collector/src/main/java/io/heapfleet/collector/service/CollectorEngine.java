package io.heapfleet.collector.service;

import io.heapfleet.analysis.trend.Assessment;
import io.heapfleet.collector.capture.CaptureOutcome;
import io.heapfleet.collector.capture.CaptureReport;
import io.heapfleet.collector.capture.DumpCapture;
import io.heapfleet.collector.discovery.Discovery;
import io.heapfleet.collector.discovery.LogSafe;
import io.heapfleet.collector.discovery.Target;
import io.heapfleet.collector.metrics.CollectorMetrics;
import io.heapfleet.collector.schedule.CaptureScheduler;
import io.heapfleet.collector.schedule.CaptureScheduler.Outcome;
import io.heapfleet.collector.state.FleetState;
import io.heapfleet.collector.state.FleetState.TrendSummary;
import io.heapfleet.collector.state.TaskStatus;
import io.heapfleet.collector.state.TaskStatus.Attempt;
import io.heapfleet.collector.stats.OldGenTrend;
import io.heapfleet.collector.stats.StatsClient;
import io.heapfleet.collector.stats.StatsPoller;
import io.heapfleet.collector.stats.StatsSeries;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The collector's loop, without any framework: refresh discovery every {@code refresh}, start the
 * captures the {@link CaptureScheduler} says are due on the capture executor, and after each
 * capture update the series analysis, the {@link FleetState}, the metrics and the schedule. {@link
 * #tick()} is called periodically (by the Quarkus scheduler) and after every on-demand request and
 * finished capture. Thread-safe.
 */
public final class CollectorEngine {
  private static final Logger LOG = Logger.getLogger(CollectorEngine.class);

  /** The last discovery refresh, for health checks. */
  public record DiscoveryStatus(
      String source, Instant lastSuccess, Instant lastAttempt, String lastError, int liveTasks) {}

  /** What an on-demand capture request did. */
  public record CaptureRequest(CaptureScheduler.Request result, CompletableFuture<Attempt> done) {}

  private final Discovery discovery;
  private final CaptureScheduler scheduler;
  private final DumpCapture capture;
  private final SeriesAnalysis analysis;
  private final FleetState state;
  private final CollectorMetrics metrics;
  private final ExecutorService captures;
  private final Clock clock;
  private final Duration refresh;
  private final Map<String, CompletableFuture<Attempt>> waiting = new ConcurrentHashMap<>();
  private final AtomicReference<DiscoveryStatus> discoveryStatus;
  private volatile Instant nextRefresh = Instant.MIN;
  private final Object tickLock = new Object();
  private volatile String lastUnauthorizedLog = "";
  private final StatsPoller stats;
  private final OldGenTrend.Thresholds statsVerdict;
  private final CaptureRecorder recorder;

  public CollectorEngine(
      Discovery discovery,
      CaptureScheduler scheduler,
      DumpCapture capture,
      SeriesAnalysis analysis,
      FleetState state,
      CollectorMetrics metrics,
      ExecutorService captures,
      Clock clock,
      Duration refresh) {
    this(
        discovery, scheduler, capture, analysis, state, metrics, captures, clock, refresh, null,
        null);
  }

  /**
   * An engine that also polls every live task's stats with {@code stats} and draws a verdict from
   * them with {@code statsVerdict} (see {@link FleetState#verdict}).
   */
  public CollectorEngine(
      Discovery discovery,
      CaptureScheduler scheduler,
      DumpCapture capture,
      SeriesAnalysis analysis,
      FleetState state,
      CollectorMetrics metrics,
      ExecutorService captures,
      Clock clock,
      Duration refresh,
      StatsPoller stats,
      OldGenTrend.Thresholds statsVerdict) {
    this.stats = stats;
    this.statsVerdict = statsVerdict;
    if (stats != null) {
      java.util.Objects.requireNonNull(statsVerdict, "statsVerdict");
      stats.addListener(new StatsToVerdict());
    }
    this.discovery = discovery;
    this.scheduler = scheduler;
    this.capture = capture;
    this.analysis = analysis;
    this.state = state;
    this.metrics = metrics;
    this.captures = captures;
    this.clock = clock;
    this.refresh = refresh;
    this.recorder = new CaptureRecorder(capture, analysis, state, metrics, stats, clock);
    this.discoveryStatus =
        new AtomicReference<>(new DiscoveryStatus(discovery.describe(), null, null, null, 0));
  }

  /**
   * Rebuilds the fleet state from S3 from one listing of the whole bucket, synchronously. The
   * collector itself restores lazily in the background ({@link StateRestore}); this is for tests
   * and small buckets.
   */
  public void restore() {
    analysis.restoreInto(state);
  }

  /** One round: refresh discovery when due, then start due captures. Never throws. */
  public void tick() {
    synchronized (tickLock) {
      Instant now = clock.instant();
      if (!now.isBefore(nextRefresh)) {
        refreshDiscovery(now);
      }
      for (Target t : scheduler.takeDue()) {
        String why = scheduler.lastReason(t.taskId());
        if (!why.isEmpty()) {
          LOG.infof("dumping %s (%s): %s", t.taskId(), t.service(), LogSafe.text(why));
        }
        try {
          captures.execute(() -> run(t));
        } catch (RejectedExecutionException e) {
          scheduler.finished(t.taskId(), new Outcome.Failure(Optional.empty()));
        }
      }
      if (stats != null) {
        stats.maybePoll(scheduler.schedules().stream().map(s -> s.target()).toList());
      }
    }
  }

  /**
   * A history source for a capture policy over this engine's state and stats (build the scheduler
   * with it, then the engine with the same {@code state} and {@code stats}).
   */
  public static CaptureScheduler.HistorySource histories(FleetState state, StatsPoller stats) {
    return new TaskHistories(state, stats);
  }

  /** The stats poller, or empty when stats are off. */
  public Optional<StatsPoller> stats() {
    return Optional.ofNullable(stats);
  }

  /** Turns each new stats sample into the task's stats verdict and its gauges. */
  private final class StatsToVerdict implements StatsPoller.Listener {
    @Override
    public void polled(Target target, StatsClient.Result result) {
      metrics.statsPolled(result.outcome().tag());
    }

    @Override
    public void persisted(boolean ok) {
      metrics.statsPersisted(ok);
    }

    @Override
    public void probed(Target target, StatsClient.Result result) {
      metrics.statsProbed(
          result.outcome() != StatsClient.Outcome.OK
              ? result.outcome().tag()
              : result.gc().forced() ? "collected" : "refused",
          result.gc() == null ? -1 : result.gc().pauseMs());
    }

    @Override
    public void sampled(Target t, StatsSeries series) {
      series
          .latest()
          .ifPresent(
              s -> metrics.stats(t.cluster(), t.service(), t.taskId(), s.oldGenAfterGc(), s.rss()));
      TrendSummary verdict =
          OldGenTrend.of(series.samples(), series.heapMax(), clock.instant(), statsVerdict)
              .map(
                  g ->
                      new TrendSummary(
                          g.assessment().json(),
                          g.reason(),
                          g.bytesPerHour(),
                          List.of(),
                          g.bytesPerHour(),
                          null))
              .orElse(null);
      state.statsTrend(t.taskId(), verdict);
      if (verdict != null) {
        state
            .trend(t.taskId())
            .ifPresent(
                v ->
                    metrics.task(
                        t.cluster(),
                        t.service(),
                        t.taskId(),
                        state
                            .task(t.taskId(), id -> null)
                            .map(TaskStatus::heapUsedBytes)
                            .orElse(-1L),
                        Assessment.fromJson(v.assessment()).orElse(null),
                        v.growthBytesPerHour()));
      }
    }
  }

  /** Refreshes discovery now (also used by the API before answering "unknown task"). */
  public void refreshDiscovery() {
    synchronized (tickLock) {
      refreshDiscovery(clock.instant());
    }
  }

  private void refreshDiscovery(Instant now) {
    nextRefresh = now.plus(refresh);
    DiscoveryStatus previous = discoveryStatus.get();
    try {
      List<Target> live = discovery.discover();
      CaptureScheduler.Changes changes = scheduler.updateTargets(live);
      Map<String, String[]> liveIds = new HashMap<>();
      for (Target t : live) {
        liveIds.put(t.taskId(), new String[] {t.cluster(), t.service()});
      }
      state.setLive(liveIds);
      metrics.retainTasks(liveIds.keySet());
      metrics.discovery(true, live.size());
      for (Target t : changes.added()) {
        LOG.infof(
            "task %s (%s/%s) at %s: series starts",
            t.taskId(), t.cluster(), t.service(), t.baseUri());
      }
      for (Target t : changes.removed()) {
        LOG.infof("task %s (%s/%s) is gone: series ends", t.taskId(), t.cluster(), t.service());
      }
      discoveryStatus.set(new DiscoveryStatus(discovery.describe(), now, now, null, live.size()));
    } catch (RuntimeException e) { // DiscoveryException, or a bug in a discovery
      metrics.discovery(false, 0);
      if (previous.lastError() == null || !previous.lastError().equals(e.getMessage())) {
        LOG.warnf(
            "discovery failed (%s), keeping the previous task list: %s",
            discovery.describe(), LogSafe.text(e.getMessage()));
      }
      discoveryStatus.set(
          new DiscoveryStatus(
              discovery.describe(),
              previous.lastSuccess(),
              now,
              String.valueOf(e.getMessage()),
              previous.liveTasks()));
    }
  }

  private void run(Target t) {
    CaptureRecorder.Recorded c = recorder.captureAndRecord(t);
    log(t, c.outcome(), c.report(), c.message());
    scheduler.finished(t.taskId(), toSchedulerOutcome(c.outcome(), c.report()));
    CompletableFuture<Attempt> w = waiting.remove(t.taskId());
    if (w != null) {
      w.complete(c.attempt());
    }
    tick(); // a slot is free: start the next due capture without waiting for the timer
  }

  private void log(Target t, CaptureOutcome outcome, CaptureReport r, String message) {
    switch (outcome) {
      case STORED ->
          LOG.infof(
              "captured %s (%s): %d bytes in %d ms, %s",
              t.taskId(), t.service(), r.bytes(), r.duration().toMillis(), LogSafe.text(message));
      case UNAUTHORIZED, UNTRUSTED -> {
        // Every task says the same when our secret is wrong: say it loudly once per hour.
        String key = clock.instant().toString().substring(0, 13);
        String what =
            outcome == CaptureOutcome.UNAUTHORIZED
                ? "refused the collector's credential (401)"
                : "could not prove its identity with the collector's secret and was sent no"
                    + " credential";
        if (!key.equals(lastUnauthorizedLog)) {
          lastUnauthorizedLog = key;
          LOG.errorf(
              "task %s %s: the collector's secret or scope differs from the agents' (or this is"
                  + " not a real task); not retrying before the next interval: %s",
              t.taskId(), what, LogSafe.text(message));
        } else {
          LOG.debugf("task %s %s", t.taskId(), what);
        }
      }
      default ->
          LOG.warnf(
              "capture of %s (%s) failed [%s]: %s",
              t.taskId(), t.service(), outcome.tag(), LogSafe.text(message));
    }
  }

  private static Outcome toSchedulerOutcome(CaptureOutcome o, CaptureReport r) {
    return switch (o) {
      case STORED -> new Outcome.Success();
      case UNAUTHORIZED, UNTRUSTED -> new Outcome.Unauthorized();
      default -> new Outcome.Failure(r.retryAfter());
    };
  }

  /** Asks for a capture of a live task now; the future completes when it has run. */
  public CaptureRequest requestCapture(String taskId) {
    CaptureScheduler.Request r = scheduler.requestNow(taskId);
    if (r == CaptureScheduler.Request.UNKNOWN_TASK) {
      refreshDiscovery();
      r = scheduler.requestNow(taskId);
    }
    CompletableFuture<Attempt> done =
        r == CaptureScheduler.Request.UNKNOWN_TASK
            ? CompletableFuture.failedFuture(new IllegalArgumentException("unknown task " + taskId))
            : waiting.computeIfAbsent(taskId, id -> new CompletableFuture<>());
    if (r == CaptureScheduler.Request.QUEUED) {
      tick();
    }
    return new CaptureRequest(r, done);
  }

  /** All known tasks with their schedule. */
  public List<TaskStatus> tasks() {
    return state.tasks(this::nextCapture);
  }

  /**
   * One task. An ended task restored from its index marker only gets its series and trend read from
   * S3 now (once).
   */
  public Optional<TaskStatus> task(String taskId) {
    if (state.isShallow(taskId)) {
      try {
        analysis.restoreTask(taskId, state);
      } catch (RuntimeException e) {
        LOG.warnf("series of task %s could not be read from S3: %s", taskId, e.getMessage());
      }
    }
    return state.task(taskId, this::nextCapture);
  }

  private Instant nextCapture(String taskId) {
    return scheduler.schedule(taskId).map(s -> s.running() ? null : s.nextDue()).orElse(null);
  }

  /** Discovery health. */
  public DiscoveryStatus discoveryStatus() {
    return discoveryStatus.get();
  }

  public FleetState state() {
    return state;
  }

  public SeriesAnalysis analysis() {
    return analysis;
  }

  /** The capture pipeline, shared with the queue worker of this process. */
  public DumpCapture capture() {
    return capture;
  }
}
