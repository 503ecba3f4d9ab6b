package io.heapfleet.analysis.trend;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.fixture.JvmFixtures;
import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.histogram.ClassHistograms;
import io.heapfleet.analysis.json.AnalysisJson;
import io.heapfleet.analysis.report.Markdown;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trends over series of live dumps from real JVMs ({@code HeapFixture series}): a leak, a cache
 * that warms up and plateaus, random fluctuation, and a slow steady leak of a small class inside a
 * large noisy heap. Each series is 6 dumps of a small heap.
 */
class TrendFromRealJvmsTest {
  private static final String APP = "io.heapfleet.analysis.fixture.app.";
  private static final int DUMPS = 6;

  @TempDir Path dir;

  private List<ClassHistogram> series(String kind) throws IOException, InterruptedException {
    JvmFixtures.run(dir, List.of(), "series", dir.toString(), kind, Integer.toString(DUMPS));
    List<ClassHistogram> histograms = new ArrayList<>();
    for (int i = DUMPS - 1; i >= 0; i--) { // any order: the trend sorts by dump timestamp
      histograms.add(ClassHistograms.of(dir.resolve(kind + "-" + i + ".hprof")));
    }
    return histograms;
  }

  @Test
  void steadyGrowthIsLeakingAndNamesTheGrowingClass() throws Exception {
    TrendResult trend = TrendAnalysis.of(series("leak"));
    assertThat(trend.assessment()).as(trend.reason()).isEqualTo(Assessment.LEAKING);
    assertThat(trend.suspects().subList(0, 3))
        .extracting(Suspect::className)
        .contains(APP + "Cache$Entry");
    Suspect entry =
        trend.suspects().stream()
            .filter(s -> s.className().equals(APP + "Cache$Entry"))
            .findFirst()
            .get();
    assertThat(entry.steady()).isTrue();
    // Per dump = fitted slope × mean interval: exactly 20,000 only when the dumps are evenly
    // spaced, which a busy machine does not promise (CI saw 21,402).
    assertThat(entry.instancesPerStep()).isBetween(17_000.0, 23_000.0);
    assertThat(entry.currentInstances()).isEqualTo(20_000L * DUMPS);
    assertThat(entry.growingSteps()).isEqualTo(DUMPS - 1);
    assertThat(trend.heapBytesPerHour()).isPositive();
    // Still growing at the end: no plateau, and the recent slope is about the overall one.
    assertThat(trend.flatSince()).isEmpty();
    assertThat(trend.recentHeapBytesPerHour()).isGreaterThan(0.5 * trend.heapBytesPerHour());
    assertThat(RecentGrowthText.of(trend)).isEmpty();
    assertThat(AnalysisJson.trendToString(trend)).doesNotContain("flatSince");
    assertThat(trend.reason()).contains("grew in").contains("per dump");
    assertThat(trend.snapshots()).hasSize(DUMPS);
    assertThat(trend.snapshots().get(0).timestamp())
        .isBefore(trend.snapshots().get(DUMPS - 1).timestamp());
  }

  @Test
  void cacheThatFillsAndStaysFullIsStable() throws Exception {
    TrendResult trend = TrendAnalysis.of(series("plateau"));
    assertThat(trend.assessment()).as(trend.reason()).isEqualTo(Assessment.STABLE);
    assertThat(trend.reason())
        .contains("levelled off")
        .endsWith(
            "The heap has made no new high since "
                + RecentGrowthText.time(trend.snapshots().get(1).timestamp())
                + ".");

    // The overall slope includes the filling; the numbers shown next to "stable" say it stopped.
    // The cache is full from the second dump on (HeapFixture: 20,000 entries a step, up to 40,000).
    assertThat(trend.heapBytesPerHour()).isPositive();
    assertThat(trend.flatSince()).contains(trend.snapshots().get(1).timestamp());
    assertThat(trend.warmUpBytes()).isGreaterThan(1_000_000);
    assertThat(Math.abs(trend.recentHeapBytesPerHour()))
        .isLessThan(0.05 * trend.heapBytesPerHour());
    assertThat(RecentGrowthText.of(trend))
        .startsWith("All of it during warm-up: the heap grew by ")
        .contains("flat since " + RecentGrowthText.time(trend.snapshots().get(1).timestamp()))
        .contains(", then stayed ")
        .contains("(" + (DUMPS - 1) + " dumps).");
    assertThat(AnalysisJson.trendToString(trend))
        .contains("\"recentHeapBytesPerHour\": ")
        .contains("\"flatSince\": \"" + trend.snapshots().get(1).timestamp() + "\"")
        .contains("\"warmUpBytes\": " + trend.warmUpBytes());
    assertThat(Markdown.trend(trend)).contains("All of it during warm-up").contains("flat since");
  }

  @Test
  void randomFluctuationIsStable() throws Exception {
    TrendResult trend = TrendAnalysis.of(series("noise"));
    assertThat(trend.assessment()).as(trend.reason()).isEqualTo(Assessment.STABLE);
    assertThat(trend.suspects()).noneMatch(Suspect::steady);
    // Fluctuation is not warm-up: no "flat since", just the recent slope.
    assertThat(trend.flatSince()).as(AnalysisJson.trendToString(trend)).isEmpty();
    assertThat(RecentGrowthText.of(trend))
        .startsWith("Lately: ")
        .endsWith("over the last 3 dumps.");
  }

  @Test
  void slowLeakOfASmallClassInABigNoisyHeapIsLeakingAndRanksFirst() throws Exception {
    List<ClassHistogram> histograms = series("slowleak");
    TrendResult trend = TrendAnalysis.of(histograms);
    assertThat(trend.assessment()).as(trend.reason()).isEqualTo(Assessment.LEAKING);
    assertThat(trend.suspects().get(0).className()).isEqualTo(APP + "Point");
    assertThat(trend.reason()).startsWith(APP + "Point grew in");
    // The heap as a whole is not steady: the leak hides in the noise.
    assertThat(trend.heapSteadiness()).isLessThan(0.75);

    // Works the same from stored summaries (histogram JSON), without the dumps.
    List<ClassHistogram> stored = new ArrayList<>();
    for (ClassHistogram h : histograms) {
      stored.add(AnalysisJson.readHistogram(AnalysisJson.histogramToString(h)));
    }
    assertThat(TrendAnalysis.of(stored)).isEqualTo(trend);
  }
}
