package io.heapfleet.cli.report;

import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.histogram.ClassStats;
import io.heapfleet.analysis.report.VerdictText;
import io.heapfleet.analysis.trend.Assessment;
import io.heapfleet.analysis.trend.TrendAnalysis;
import io.heapfleet.analysis.trend.TrendResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Turns a series of class histograms (one per dump, any order) into a {@link LeakReport}: growth is
 * last minus first per class, rates and the assessment come from {@link TrendAnalysis} when there
 * are enough dumps for a trend. Stateless, thread-safe.
 */
public final class LeakReportBuilder {
  /** How many growing classes and top consumers the report keeps. */
  static final int KEEP = 10;

  /** A class whose size grew less than this between first and last dump is not listed. */
  static final long MIN_LISTED_BYTES = 2 * 1024;

  /** One dump and its histogram. */
  public record Input(ClassHistogram histogram, String location, OptionalLong fileBytes) {}

  private LeakReportBuilder() {}

  /**
   * Builds the report.
   *
   * @param subject the task id (or a name for local files)
   * @param inputs the dumps; at least one
   * @param retainerPaths retainer paths when known (empty otherwise)
   * @param reproduce commands that reproduce the analysis
   */
  public static LeakReport build(
      String subject,
      Optional<String> service,
      Optional<String> cluster,
      List<Input> inputs,
      List<LeakReport.RetainerPath> retainerPaths,
      List<String> reproduce,
      Instant now) {
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("a report needs at least one dump of " + subject);
    }
    List<Input> sorted =
        inputs.stream().sorted(Comparator.comparing(i -> i.histogram().timestamp())).toList();
    List<LeakReport.Snapshot> snapshots = new ArrayList<>();
    for (Input i : sorted) {
      ClassHistogram h = i.histogram();
      snapshots.add(
          new LeakReport.Snapshot(
              h.timestamp(), h.shallowBytes(), h.instances(), i.location(), i.fileBytes()));
    }
    ClassHistogram first = sorted.get(0).histogram();
    ClassHistogram last = sorted.get(sorted.size() - 1).histogram();

    Optional<Assessment> assessment = Optional.empty();
    Optional<String> growthShown = Optional.empty();
    Optional<String> reason = Optional.empty();
    OptionalDouble heapRate = OptionalDouble.empty();
    Map<String, Double> classRates = new HashMap<>();
    List<String> suspectOrder = new ArrayList<>();
    java.util.Set<String> steady = new java.util.HashSet<>();
    if (sorted.size() >= 2) {
      TrendResult trend = TrendAnalysis.of(sorted.stream().map(Input::histogram).toList());
      heapRate = OptionalDouble.of(trend.heapBytesPerHour());
      for (var s : trend.suspects()) {
        classRates.put(s.className(), s.bytesPerHour());
        suspectOrder.add(s.className());
        if (s.steady()) {
          steady.add(s.className());
        }
      }
      // The trend's verdict needs enough dumps to tell steady growth from one jump.
      if (sorted.size() >= TrendAnalysis.MIN_DUMPS) {
        assessment = Optional.of(trend.assessment());
        growthShown =
            Optional.of(
                VerdictText.growth(
                    trend.assessment(),
                    trend.heapBytesPerHour(),
                    trend.recentHeapBytesPerHour(),
                    trend.flatSince().orElse(null)));
        reason = Optional.ofNullable(trend.reason());
      }
    }

    List<LeakReport.Growth> growing = new ArrayList<>();
    if (sorted.size() >= 2) {
      Map<String, ClassStats> before = new HashMap<>();
      for (ClassStats s : first.entries()) {
        before.put(s.className(), s);
      }
      for (ClassStats s : last.entries()) {
        ClassStats b = before.get(s.className());
        long dBytes = s.shallowBytes() - (b == null ? 0 : b.shallowBytes());
        long dCount = s.instances() - (b == null ? 0 : b.instances());
        boolean isSteady = steady.contains(s.className());
        // Leave out drift too small to matter (class loading, interned strings) unless steady.
        if (dBytes > 0 && dCount > 0 && (dBytes >= MIN_LISTED_BYTES || isSteady)) {
          Double rate = classRates.get(s.className());
          growing.add(
              new LeakReport.Growth(
                  s.className(),
                  dCount,
                  dBytes,
                  rate == null ? OptionalDouble.empty() : OptionalDouble.of(rate),
                  isSteady));
        }
      }
      // Trend suspects first, in the trend's order (steady growth beats one big step), then
      // the rest by bytes added.
      growing.sort(
          Comparator.comparingInt(
                  (LeakReport.Growth g) -> {
                    int i = suspectOrder.indexOf(g.className());
                    return i < 0 ? Integer.MAX_VALUE : i;
                  })
              .thenComparing(Comparator.comparingLong(LeakReport.Growth::bytesDelta).reversed()));
      if (growing.size() > KEEP) {
        growing = new ArrayList<>(growing.subList(0, KEEP));
      }
    }

    List<LeakReport.Consumer> top =
        last.entries().stream()
            .limit(KEEP)
            .map(s -> new LeakReport.Consumer(s.className(), s.instances(), s.shallowBytes()))
            .toList();
    return new LeakReport(
        subject,
        service,
        cluster,
        now,
        snapshots,
        assessment,
        reason,
        heapRate,
        growing,
        top,
        retainerPaths,
        reproduce,
        growthShown);
  }
}
