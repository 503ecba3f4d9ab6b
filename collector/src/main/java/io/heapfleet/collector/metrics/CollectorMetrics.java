package io.heapfleet.collector.metrics;

import io.heapfleet.analysis.trend.Assessment;
import io.heapfleet.collector.capture.CaptureOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The collector's Prometheus metrics (served at {@code /q/metrics} on the management port):
 *
 * <ul>
 *   <li>{@code heapfleet_captures_total{outcome}}: capture attempts by {@link CaptureOutcome}
 *   <li>{@code heapfleet_capture_bytes_total}: dump bytes stored
 *   <li>{@code heapfleet_capture_duration_seconds{outcome}}: request to stored (timer)
 *   <li>{@code heapfleet_capture_dump_bytes}: size of each stored dump (summary)
 *   <li>{@code heapfleet_task_heap_used_bytes{cluster,service,task}}: heap in the newest dump
 *   <li>{@code heapfleet_task_leaking{cluster,service,task}}: 1 when the trend says leaking
 *   <li>{@code heapfleet_task_heap_growth_bytes_per_second{cluster,service,task}}: heap slope over
 *       the task's series, in base units as Prometheus asks
 *   <li>{@code heapfleet_task_heap_growth_mb_per_hour{cluster,service,task}}: the same slope in MB
 *       (10^6 bytes) per hour, kept for compatibility with existing alert rules
 *   <li>{@code heapfleet_discovered_tasks}: live tasks; {@code heapfleet_discovery_failures_total}
 *   <li>{@code heapfleet_identity_conflicts_total}: task ids newly proven by more than one URL
 *   <li>{@code heapfleet_untrusted_endpoints_total{reason}}: endpoints newly refused before any
 *       credential was sent (bad proof, invalid id, ...)
 *   <li>{@code heapfleet_task_old_gen_after_gc_bytes{cluster,service,task}}, {@code
 *       heapfleet_task_rss_bytes{...}}: the task's newest stats sample
 *   <li>{@code heapfleet_stats_polls_total{outcome}}: stats requests by outcome; {@code
 *       heapfleet_stats_s3_writes_total{result}}: stats series written to S3
 *   <li>{@code heapfleet_stats_probes_total{result}}: full collections asked of tasks ({@code
 *       collected}, {@code refused} by a task that runs none on request, or the poll outcome);
 *       {@code heapfleet_stats_probe_pause_seconds}: the pause each cost the task, as it reported
 * </ul>
 *
 * Per-task gauges exist only for live tasks: when a task ends, its gauges are removed so that an
 * alert does not keep firing for a task that is gone. Thread-safe.
 */
public final class CollectorMetrics {
  /**
   * The growth gauge's unit: Prometheus' naming convention appends the base unit to a gauge's name,
   * which makes {@code heapfleet_task_heap_growth_bytes_per_second}.
   */
  static final String BYTES_PER_SECOND = "bytes.per.second";

  private final MeterRegistry registry;
  private final Counter bytes;
  private final DistributionSummary dumpSize;
  private final Counter discoveryFailures;
  private final Map<String, TaskGauges> perTask = new ConcurrentHashMap<>();
  private volatile double discovered;

  /** Values behind one task's gauges (gauges read them on scrape). */
  private static final class TaskGauges {
    volatile double heapUsed = Double.NaN;
    volatile double leaking = Double.NaN;

    /** Heap slope, bytes per hour. */
    volatile double growth = Double.NaN;

    volatile Assessment assessment;
    volatile double oldGenAfterGc = Double.NaN;
    volatile double rss = Double.NaN;
    final List<Meter> meters = new ArrayList<>();
  }

  public CollectorMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.bytes =
        Counter.builder("heapfleet.capture.bytes")
            .description("Dump bytes stored in S3")
            .baseUnit("bytes")
            .register(registry);
    this.dumpSize =
        DistributionSummary.builder("heapfleet.capture.dump")
            .description("Size of each stored dump")
            .baseUnit("bytes")
            .register(registry);
    this.discoveryFailures =
        Counter.builder("heapfleet.discovery.failures")
            .description("Discovery refreshes that failed")
            .register(registry);
    Gauge.builder("heapfleet.discovered.tasks", this, m -> m.discovered)
        .description("Tasks discovery sees now")
        .register(registry);
    Counter.builder("heapfleet.identity.conflicts")
        .description("Task ids newly proven by more than one endpoint URL")
        .register(registry);
    for (CaptureOutcome o : CaptureOutcome.values()) {
      captures(o); // every outcome exported from the start, at 0, so rate() works
    }
  }

  private Counter captures(CaptureOutcome outcome) {
    return Counter.builder("heapfleet.captures")
        .description("Capture attempts by outcome")
        .tag("outcome", outcome.tag())
        .register(registry);
  }

  /** Records one capture attempt. */
  public void captured(CaptureOutcome outcome, long storedBytes, Duration took) {
    captures(outcome).increment();
    Timer.builder("heapfleet.capture.duration")
        .description("Capture duration, request to stored")
        .tag("outcome", outcome.tag())
        .register(registry)
        .record(took);
    if (outcome == CaptureOutcome.STORED) {
      bytes.increment(storedBytes);
      dumpSize.record(storedBytes);
    }
  }

  /** Records a newly detected duplicate claim of one task id. */
  public void identityConflict() {
    Counter.builder("heapfleet.identity.conflicts")
        .description("Task ids newly proven by more than one endpoint URL")
        .register(registry)
        .increment();
  }

  /** Records an endpoint newly refused before it was sent any credential. */
  public void untrustedEndpoint(String reason) {
    Counter.builder("heapfleet.untrusted.endpoints")
        .description("Endpoints refused before any credential was sent, by reason")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /**
   * Records how one deep analysis ended: {@code done}, {@code too_large} (does not fit the heap
   * budget), {@code bad_dump} (a format error or reader limit), {@code out_of_memory}, {@code
   * failed}.
   */
  public void deepAnalysis(String outcome) {
    Counter.builder("heapfleet.deep.analyses")
        .description("Deep analyses (dominators, owners) by outcome")
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  /** Records a discovery refresh. */
  public void discovery(boolean ok, int liveTasks) {
    if (ok) {
      discovered = liveTasks;
    } else {
      discoveryFailures.increment();
    }
  }

  /**
   * Updates one live task's gauges.
   *
   * @param assessment the task's verdict, or {@code null} while it has too few dumps
   * @param growthBytesPerHour heap slope over the task's series, bytes per hour
   */
  public void task(
      String cluster,
      String service,
      String taskId,
      long heapUsed,
      Assessment assessment,
      double growthBytesPerHour) {
    TaskGauges g =
        perTask.computeIfAbsent(
            taskId, id -> register(Tags.of("cluster", cluster, "service", service, "task", id)));
    g.heapUsed = heapUsed < 0 ? Double.NaN : heapUsed;
    // heapfleet_task_leaking keeps its meaning for alert rules: 1 only for a leak. An
    // inconclusive task is not (yet) a leak, so 0; heapfleet_task_assessment tells it apart.
    g.leaking = assessment == null ? Double.NaN : assessment == Assessment.LEAKING ? 1 : 0;
    g.assessment = assessment;
    g.growth = assessment == null ? Double.NaN : growthBytesPerHour;
  }

  /** Records a task's newest stats sample (-1: not reported). */
  public void stats(String cluster, String service, String taskId, long oldGenAfterGc, long rss) {
    TaskGauges g =
        perTask.computeIfAbsent(
            taskId, id -> register(Tags.of("cluster", cluster, "service", service, "task", id)));
    g.oldGenAfterGc = oldGenAfterGc < 0 ? Double.NaN : oldGenAfterGc;
    g.rss = rss < 0 ? Double.NaN : rss;
  }

  /** Counts one stats request by its outcome tag. */
  public void statsPolled(String outcome) {
    registry.counter("heapfleet.stats.polls", "outcome", outcome).increment();
  }

  /** Counts one probe by its result and records the pause it cost the task (-1: none). */
  public void statsProbed(String result, long pauseMs) {
    registry.counter("heapfleet.stats.probes", "result", result).increment();
    if (pauseMs >= 0) {
      Timer.builder("heapfleet.stats.probe.pause")
          .register(registry)
          .record(Duration.ofMillis(pauseMs));
    }
  }

  /** Counts one write of a stats series to S3. */
  public void statsPersisted(boolean ok) {
    registry.counter("heapfleet.stats.s3.writes", "result", ok ? "ok" : "failed").increment();
  }

  private TaskGauges register(Tags tags) {
    TaskGauges g = new TaskGauges();
    g.meters.add(
        Gauge.builder("heapfleet.task.old.gen.after.gc", g, x -> x.oldGenAfterGc)
            .description("Old generation in use after the task's last major GC (stats)")
            .baseUnit("bytes")
            .tags(tags)
            .register(registry));
    g.meters.add(
        Gauge.builder("heapfleet.task.rss", g, x -> x.rss)
            .description("The task's resident set size (stats)")
            .baseUnit("bytes")
            .tags(tags)
            .register(registry));
    g.meters.add(
        Gauge.builder("heapfleet.task.heap.used", g, x -> x.heapUsed)
            .description("Shallow size of all objects in the task's newest dump")
            .baseUnit("bytes")
            .tags(tags)
            .register(registry));
    g.meters.add(
        Gauge.builder("heapfleet.task.leaking", g, x -> x.leaking)
            .description("1 when the task's trend is leaking, 0 when stable or inconclusive")
            .tags(tags)
            .register(registry));
    for (Assessment a : Assessment.values()) {
      g.meters.add(
          Gauge.builder(
                  "heapfleet.task.assessment",
                  g,
                  x -> x.assessment == null ? Double.NaN : x.assessment == a ? 1 : 0)
              .description(
                  "1 for the task's current assessment (leaking, stable, inconclusive), else 0")
              .tags(tags.and("assessment", a.json()))
              .register(registry));
    }
    g.meters.add(
        Gauge.builder("heapfleet.task.heap.growth", g, x -> x.growth / 3600)
            .description("Heap growth over the task's series, bytes per second")
            .baseUnit(BYTES_PER_SECOND)
            .tags(tags)
            .register(registry));
    g.meters.add(
        Gauge.builder("heapfleet.task.heap.growth.mb.per.hour", g, x -> x.growth / 1_000_000)
            .description(
                "Heap growth over the task's series, MB (10^6 bytes) per hour; kept for"
                    + " compatibility, heapfleet_task_heap_growth_bytes_per_second is the base"
                    + " unit")
            .tags(tags)
            .register(registry));
    return g;
  }

  /** Removes the gauges of tasks that are no longer live. */
  public void retainTasks(Set<String> liveTaskIds) {
    perTask
        .entrySet()
        .removeIf(
            e -> {
              if (liveTaskIds.contains(e.getKey())) {
                return false;
              }
              e.getValue().meters.forEach(registry::remove);
              return true;
            });
  }
}
