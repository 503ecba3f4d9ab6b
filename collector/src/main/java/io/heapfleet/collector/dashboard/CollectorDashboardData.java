package io.heapfleet.collector.dashboard;

import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.histogram.ClassStats;
import io.heapfleet.analysis.json.AnalysisJson;
import io.heapfleet.analysis.json.TrendDocument;
import io.heapfleet.analysis.report.VerdictText;
import io.heapfleet.analysis.retainer.GrowingOwner;
import io.heapfleet.analysis.retainer.SuspectOwner;
import io.heapfleet.analysis.trend.Assessment;
import io.heapfleet.analysis.trend.Suspect;
import io.heapfleet.collector.api.TaskSummary;
import io.heapfleet.collector.service.CollectorEngine;
import io.heapfleet.collector.state.TaskStatus;
import io.heapfleet.collector.stats.StatsSeries;
import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.StoredDump;
import io.heapfleet.storage.TaskArtifact;
import io.heapfleet.storage.TaskRef;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The dashboard's facts from the running collector: the fleet from its in-memory state, a task's
 * chart from the summary JSON stored beside each dump (a class histogram; the dumps themselves are
 * never read), the latest diff from the last two summaries, and the suspects from the stored trend
 * (with owners and paths from the stored deep analysis, when present). Summaries are immutable, so
 * their reduced form is cached by S3 key. Thread-safe.
 */
@ApplicationScoped
public class CollectorDashboardData implements DashboardData {
  private static final Logger LOG = Logger.getLogger(CollectorDashboardData.class);

  /** Classes kept per cached chart point; the chart stacks fewer, the rest is "other". */
  private static final int POINT_CLASSES = 40;

  private static final int CACHE_ENTRIES = 4096;

  @Inject CollectorEngine engine;
  @Inject DumpStore store;
  @Inject DashboardConfig config;

  private final Map<String, HeapChart.Point> points =
      Collections.synchronizedMap(
          new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, HeapChart.Point> eldest) {
              return size() > CACHE_ENTRIES;
            }
          });

  @Override
  public List<FleetRow> fleet() {
    return engine.tasks().stream()
        .map(t -> row(t, engine.analysis().growingOwners(t.taskId())))
        .toList();
  }

  @Override
  public Optional<TaskView> task(String taskId) {
    Optional<TaskStatus> status = engine.task(taskId);
    if (status.isEmpty()) {
      return Optional.empty();
    }
    TaskStatus t = status.get();
    List<GrowingOwner> owners = engine.analysis().growingOwners(taskId);
    Optional<TaskRef> ref = store.findTask(taskId);
    List<StoredDump> dumps = ref.map(store::listSeries).orElse(List.of());

    List<HeapChart.Point> chartPoints = new ArrayList<>();
    for (StoredDump d : dumps) {
      point(d).ifPresent(chartPoints::add);
    }
    HeapChart chart = HeapChart.of(chartPoints, config.chartClasses());

    Instant diffBase = null;
    Instant diffCurrent = null;
    List<TaskView.DiffRow> diff = List.of();
    if (dumps.size() >= 2) {
      Optional<ClassHistogram> before = histogram(dumps.get(dumps.size() - 2));
      Optional<ClassHistogram> after = histogram(dumps.get(dumps.size() - 1));
      if (before.isPresent() && after.isPresent()) {
        diffBase = before.get().timestamp();
        diffCurrent = after.get().timestamp();
        diff = diff(before.get(), after.get(), config.diffRows());
      }
    }

    List<TaskView.Suspect> suspects =
        ref.map(r -> suspects(r, t.growing())).orElseGet(() -> namesOnly(t.growing()));

    List<TaskView.Dump> links = new ArrayList<>();
    for (int i = dumps.size() - 1; i >= 0; i--) {
      StoredDump d = dumps.get(i);
      links.add(
          new TaskView.Dump(
              d.time(),
              d.key().downloadFileName(),
              d.sizeBytes(),
              "/dashboard/tasks/"
                  + PathSegment.encode(taskId)
                  + "/dumps/"
                  + PathSegment.encode(d.key().fileName())));
    }
    return Optional.of(
        new TaskView(
            row(t, owners),
            t.reason(),
            chart,
            diffBase,
            diffCurrent,
            diff,
            suspects,
            links,
            owners.stream()
                // Like the suspects table: when something grows steadily, drift is not shown.
                .filter(g -> g.steady() || owners.stream().noneMatch(GrowingOwner::steady))
                .map(
                    g ->
                        new TaskView.Owner(
                            g.owner(),
                            g.holder(),
                            g.headline(),
                            g.bytesPerHour(),
                            g.retainedBytes(),
                            g.classes(),
                            g.path()))
                .toList(),
            statsChart(taskId, dumps)));
  }

  /**
   * The task's stats series: a live task's from memory, an ended one's from its stats.json; empty
   * when there is none or it cannot be read.
   */
  private StatsChart statsChart(String taskId, List<StoredDump> dumps) {
    Optional<StatsSeries> series = engine.stats().flatMap(p -> p.series(taskId));
    if (series.isEmpty()) {
      Optional<String> stored = engine.analysis().artifact(taskId, TaskArtifact.STATS_JSON);
      if (stored.isPresent()) {
        try {
          series = Optional.of(StatsSeries.fromJson(stored.get(), taskId, StatsChart.MAX_POINTS));
        } catch (IllegalArgumentException e) {
          LOG.debugf("stats series of %s not drawn: %s", taskId, e.getMessage());
        }
      }
    }
    return series
        .map(
            s ->
                new StatsChart(
                    s.samples(), s.heapMax(), dumps.stream().map(StoredDump::time).toList()))
        .orElseGet(StatsChart::empty);
  }

  /**
   * The fleet-page row; the top suspect is the best-ranked owner (with its holder) when the deep
   * analysis found one, else the trend's first growing class.
   */
  public static FleetRow row(TaskStatus t, List<GrowingOwner> owners) {
    Assessment assessment = t.verdict().orElse(null);
    return new FleetRow(
        t.taskId(),
        t.service(),
        t.cluster(),
        t.lastCapture() == null ? null : t.lastCapture().time(),
        t.heapUsedBytes(),
        assessment,
        assessment == null
            ? Double.NaN
            : VerdictText.shownBytesPerHour(
                assessment, t.growthBytesPerHour(), t.recentGrowthBytesPerHour()),
        t.snapshots(),
        VerdictText.topSuspect(assessment, owners, t.growing()).orElse(null),
        t.lastAttempt() != null && !"stored".equalsIgnoreCase(t.lastAttempt().outcome())
            ? t.lastAttempt().message()
            : null,
        VerdictText.topSuspectHolder(assessment, owners).orElse(null),
        assessment == Assessment.STABLE ? t.flatSince() : null,
        TaskSummary.runtimeOf(t));
  }

  private Optional<HeapChart.Point> point(StoredDump d) {
    HeapChart.Point cached = points.get(d.objectKey());
    if (cached != null) {
      return Optional.of(cached);
    }
    Optional<ClassHistogram> h = histogram(d);
    if (h.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Long> bytes = new HashMap<>();
    for (ClassStats s : h.get().entries()) {
      if (bytes.size() >= POINT_CLASSES) {
        break;
      }
      bytes.put(s.className(), s.shallowBytes());
    }
    HeapChart.Point p = new HeapChart.Point(d.time(), h.get().shallowBytes(), Map.copyOf(bytes));
    points.put(d.objectKey(), p);
    return Optional.of(p);
  }

  private Optional<ClassHistogram> histogram(StoredDump d) {
    try {
      Optional<String> json = store.readSummary(d.key());
      if (json.isEmpty()) {
        return Optional.empty(); // still being analysed, or its analysis failed
      }
      return Optional.of(AnalysisJson.readHistogram(json.get()));
    } catch (IOException | RuntimeException e) {
      LOG.debugf("summary of %s unreadable: %s", d.objectKey(), e.getMessage());
      return Optional.empty();
    }
  }

  static List<TaskView.DiffRow> diff(ClassHistogram before, ClassHistogram after, int rows) {
    Map<String, ClassStats> b = new HashMap<>();
    before.entries().forEach(s -> b.put(s.className(), s));
    Map<String, ClassStats> a = new HashMap<>();
    after.entries().forEach(s -> a.put(s.className(), s));
    List<TaskView.DiffRow> out = new ArrayList<>();
    for (ClassStats s : after.entries()) {
      ClassStats o = b.get(s.className());
      out.add(
          new TaskView.DiffRow(
              s.className(),
              o == null ? 0 : o.instances(),
              s.instances(),
              o == null ? 0 : o.shallowBytes(),
              s.shallowBytes()));
    }
    for (ClassStats o : before.entries()) {
      if (!a.containsKey(o.className())) {
        out.add(new TaskView.DiffRow(o.className(), o.instances(), 0, o.shallowBytes(), 0));
      }
    }
    out.removeIf(r -> r.bytesDelta() == 0 && r.instancesDelta() == 0); // unchanged: no row
    out.sort(
        (x, y) -> {
          int c = Long.compare(y.bytesDelta(), x.bytesDelta());
          return c != 0 ? c : x.className().compareTo(y.className());
        });
    return out.subList(0, Math.min(rows, out.size()));
  }

  /** Suspects from the stored trend JSON, with owners/paths from the deep analysis if stored. */
  private List<TaskView.Suspect> suspects(TaskRef ref, List<String> fallback) {
    Optional<TrendDocument> trend =
        readArtifact(ref, TaskArtifact.TREND_JSON, AnalysisJson::readTrend);
    if (trend.isEmpty()) {
      return namesOnly(fallback);
    }
    Map<String, SuspectOwner> deep =
        readArtifact(ref, TaskArtifact.DEEP_JSON, AnalysisJson::readSuspectOwners).orElse(Map.of());
    List<TaskView.Suspect> out = new ArrayList<>();
    for (Suspect s : trend.get().trend().suspects()) {
      if (s.bytesPerHour() <= 0) {
        continue; // shrinking or flat: not a suspect worth a row
      }
      SuspectOwner o = deep.getOrDefault(s.className(), trend.get().owners().get(s.className()));
      out.add(
          new TaskView.Suspect(
              s.className(),
              s.bytesPerHour(),
              s.instancesPerHour(),
              s.steady(),
              o == null ? null : o.owner(),
              o == null ? List.of() : o.path()));
    }
    // Steady growers first (the trend already ranks them so), and only the first few.
    return out.stream()
        .sorted((a, b) -> Boolean.compare(b.steady(), a.steady()))
        .limit(config.suspectRows())
        .toList();
  }

  /** One of {@link AnalysisJson}'s readers, applied to a stored artifact's text. */
  private interface ArtifactReader<T> {
    T read(String json) throws IOException;
  }

  private <T> Optional<T> readArtifact(
      TaskRef ref, TaskArtifact artifact, ArtifactReader<T> reader) {
    try {
      Optional<String> body = store.readArtifact(ref, artifact);
      return body.isEmpty() ? Optional.empty() : Optional.of(reader.read(body.get()));
    } catch (IOException | RuntimeException e) {
      LOG.debugf("%s of %s unreadable: %s", artifact.fileName(), ref.taskId(), e.getMessage());
      return Optional.empty();
    }
  }

  private static List<TaskView.Suspect> namesOnly(List<String> names) {
    return names.stream()
        .map(n -> new TaskView.Suspect(n, Double.NaN, Double.NaN, false, null, List.of()))
        .toList();
  }
}
