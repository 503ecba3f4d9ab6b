package io.heapfleet.analysis.v8;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.diff.DiffResult;
import io.heapfleet.analysis.diff.HistogramDiff;
import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.histogram.ClassHistograms;
import io.heapfleet.analysis.trend.Assessment;
import io.heapfleet.analysis.trend.Suspect;
import io.heapfleet.analysis.trend.TrendAnalysis;
import io.heapfleet.analysis.trend.TrendResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The JVM trend, unchanged, on histograms of snapshot series written by real Node.js processes
 * ({@code heap-fixture.js}): four classic Node leaks are {@code leaking} with the accumulating
 * class among the first suspects; a bounded LRU and a cache that warms up are not.
 */
class V8TrendTest {
  private static final int SNAPSHOTS = 5;

  @TempDir Path dir;

  private List<ClassHistogram> series(String mode, int count) throws Exception {
    List<ClassHistogram> out = new ArrayList<>();
    for (Path p : NodeFixture.snapshots(dir, mode, count, 0)) {
      out.add(ClassHistograms.of(p));
    }
    return out;
  }

  @ParameterizedTest(name = "{0} leaks {1}")
  @CsvSource({
    "memoize, Quote",
    "listeners, Session",
    "closures, IncomingRequest",
    "global, AuditEvent",
  })
  void nodeLeakIsLeakingAndNamesWhatAccumulates(String mode, String accumulating) throws Exception {
    TrendResult trend = TrendAnalysis.of(series(mode, SNAPSHOTS));

    assertThat(trend.assessment()).as(trend.reason()).isEqualTo(Assessment.LEAKING);
    assertThat(trend.suspects().subList(0, Math.min(5, trend.suspects().size())))
        .extracting(Suspect::className)
        .contains(accumulating);
    Suspect s =
        trend.suspects().stream()
            .filter(x -> x.className().equals(accumulating))
            .findFirst()
            .orElseThrow();
    assertThat(s.steady()).isTrue();
    assertThat(s.currentInstances()).isEqualTo(5_000L * SNAPSHOTS);
    assertThat(s.instancesPerStep()).isBetween(4_900.0, 5_100.0);
  }

  @Test
  void boundedLruIsNotLeaking() throws Exception {
    TrendResult trend = TrendAnalysis.of(series("lru", 6));
    assertThat(trend.assessment()).as(trend.reason()).isEqualTo(Assessment.STABLE);
    assertThat(trend.suspects()).noneMatch(Suspect::steady);
  }

  @Test
  void cacheThatWarmsUpIsNotLeaking() throws Exception {
    List<ClassHistogram> series = series("warmup", 6);
    TrendResult trend = TrendAnalysis.of(series);
    assertThat(trend.assessment()).as(trend.reason()).isEqualTo(Assessment.STABLE);
    assertThat(trend.suspects()).noneMatch(Suspect::steady);
    // it did fill: 10,000 entries, the first 5,000 before the first snapshot
    assertThat(series.get(0).get("Quote").orElseThrow().instances()).isEqualTo(5_000);
    assertThat(series.get(5).get("Quote").orElseThrow().instances()).isEqualTo(10_000);
  }

  @Test
  void diffOfTwoSnapshotsShowsTheGrowth() throws Exception {
    List<ClassHistogram> s = series("global", 2);
    DiffResult d = HistogramDiff.between(s.get(0), s.get(1));
    assertThat(d.classes().stream().filter(c -> c.className().equals("AuditEvent")).findFirst())
        .get()
        .satisfies(c -> assertThat(c.instancesDelta()).isEqualTo(5_000));
  }
}
