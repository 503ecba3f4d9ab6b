package io.heapfleet.analysis.retainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heapfleet.analysis.diff.DiffResult;
import io.heapfleet.analysis.diff.HistogramDiff;
import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.histogram.ClassHistograms;
import io.heapfleet.analysis.json.AnalysisJson;
import io.heapfleet.analysis.json.AnalysisJsonException;
import io.heapfleet.analysis.json.DiffDocument;
import io.heapfleet.analysis.json.TrendDocument;
import io.heapfleet.analysis.trend.Assessment;
import io.heapfleet.analysis.trend.LockstepGroup;
import io.heapfleet.analysis.trend.Snapshot;
import io.heapfleet.analysis.trend.Suspect;
import io.heapfleet.analysis.trend.TrendAnalysis;
import io.heapfleet.analysis.trend.TrendResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The typed reader reads back exactly what the writers wrote: write → read → write gives the same
 * bytes for the histogram, diff, trend and deep JSON of real dumps (three child JVMs: a cart leak
 * early and late, and a listener leak) and for edge cases (escapes, NaN, plateaus, lockstep groups,
 * owner-less suspects), whose exact bytes are pinned in {@code src/test/resources/json}.
 */
class AnalysisJsonRoundTripTest {
  private static final String WEIRD =
      "a\"b\\c\nd\re\tf\bg\fh\u0001i\u001fj<k/l\u00e9m\u20acn\ud83d\ude00o";

  private static List<ClassHistogram> histograms;
  private static DeepResult earlyDeep;
  private static DeepResult lateDeep;
  private static Path newest;

  @BeforeAll
  static void dumps() throws Exception {
    Path early = RealDumps.shared("cart-early");
    Path late = RealDumps.shared("cart");
    newest = RealDumps.shared("listener");
    histograms = new ArrayList<>();
    for (Path d : List.of(early, late, newest)) {
      histograms.add(ClassHistograms.of(d));
    }
    earlyDeep = DeepAnalysis.of(early, DeepOptions.defaults(), List.of("byte[]"));
    lateDeep =
        DeepAnalysis.of(
            late,
            DeepOptions.defaults(),
            List.of("byte[]", LeakFixtures.class.getName() + "$Cart"));
  }

  @Test
  void histogramOfARealDumpReadsBackToTheSameBytes() throws Exception {
    for (ClassHistogram h : histograms) {
      String json = AnalysisJson.histogramToString(h);
      ClassHistogram back = AnalysisJson.readHistogram(json);
      assertThat(back).isEqualTo(h);
      assertThat(AnalysisJson.histogramToString(back)).isEqualTo(json);
    }
  }

  @Test
  void diffOfRealDumpsWithRetainedDeltasReadsBackToTheSameBytes() throws Exception {
    DiffResult diff = HistogramDiff.between(histograms.get(0), histograms.get(1));
    List<RetainedDiff.Delta> retained = RetainedDiff.between(earlyDeep, lateDeep);
    assertThat(retained).isNotEmpty();

    String json = diff(diff, retained);
    DiffDocument back = AnalysisJson.readDiff(json);
    assertThat(back.diff()).isEqualTo(diff);
    assertThat(back.retained()).isEqualTo(retained);
    assertThat(diff(back.diff(), back.retained())).isEqualTo(json);

    String plain = AnalysisJson.diffToString(diff);
    assertThat(AnalysisJson.readDiff(plain).retained()).isEmpty();
    assertThat(AnalysisJson.diffToString(AnalysisJson.readDiff(plain).diff())).isEqualTo(plain);
  }

  @Test
  void trendOfRealDumpsWithOwnersReadsBackToTheSameBytes() throws Exception {
    TrendResult trend = TrendAnalysis.of(histograms);
    Map<String, SuspectOwner> owners =
        TrendOwners.of(trend, newest, DeepOptions.defaults(), trend.suspects().size());
    String json = AnalysisJson.trendToString(trend, owners);
    assertThat(json).contains("\"owner\"");

    TrendDocument back = AnalysisJson.readTrend(json);
    assertSameUpToOwnerRateSums(AnalysisJson.trendToString(back.trend(), back.owners()), json);
    // Rates are written to 4 decimals, so the values read back are equal up to that.
    assertThat(back.trend().snapshots()).isEqualTo(trend.snapshots());
    Map<String, SuspectOwner> named = new LinkedHashMap<>(owners);
    named.values().removeIf(o -> o.owner() == null);
    assertThat(back.owners()).isEqualTo(named);
    assertThat(back.rankedOwners())
        .extracting(GrowingOwner::owner)
        .isEqualTo(OwnerRanking.rank(trend, owners).stream().map(GrowingOwner::owner).toList());

    String plain = AnalysisJson.trendToString(trend);
    assertThat(AnalysisJson.readTrend(plain).owners()).isEmpty();
    // Without the owners ranking, nothing is a sum: the same bytes exactly.
    assertThat(AnalysisJson.trendToString(AnalysisJson.readTrend(plain).trend())).isEqualTo(plain);
  }

  @Test
  void deepAnalysisOfRealDumpsReadsBackToTheSameBytes() throws Exception {
    for (DeepResult deep : List.of(earlyDeep, lateDeep)) {
      String json = DeepJson.toJson(deep);
      DeepResult back = AnalysisJson.readDeep(json);
      assertThat(back).isEqualTo(deep);
      assertThat(DeepJson.toJson(back)).isEqualTo(json);
    }
  }

  @Test
  void edgeCaseTrendIsWrittenToThePinnedBytesAndReadsBack() throws Exception {
    Instant t0 = Instant.parse("2026-11-22T05:23:48Z");
    long[] bytes = {14_177_344, 24_215_432, 25_494_096, 19_444_072, 23_904_424, 23_905_064};
    List<Snapshot> snapshots = new ArrayList<>();
    for (int i = 0; i < bytes.length; i++) {
      snapshots.add(new Snapshot(t0.plusSeconds(17L * i), bytes[i], 60_000));
    }
    Suspect odd =
        new Suspect(
            WEIRD,
            1e6 / 3,
            Double.NaN,
            0.123456789,
            3,
            5,
            Double.POSITIVE_INFINITY,
            3e5,
            1e-7,
            true,
            4_000_000,
            1000);
    Suspect bytesSuspect =
        new Suspect(
            "byte[]", -12345.678912, 10, 1, 3, 3, 1, 19987326285.36661, 3, false, 4_000_000, 1000);
    TrendResult trend =
        new TrendResult(
            Assessment.STABLE,
            WEIRD,
            242e6,
            0.2,
            snapshots,
            List.of(odd, bytesSuspect),
            List.of(new LockstepGroup("g1", List.of(WEIRD), List.of("byte[]"), 2.5)));
    Map<String, SuspectOwner> owners =
        Map.of(
            WEIRD,
            new SuspectOwner(WEIRD, "com.acme.X", 77, List.of("static a.B.c", WEIRD)),
            "byte[]",
            new SuspectOwner("byte[]", WEIRD, 5, List.of()));

    String json = AnalysisJson.trendToString(trend, owners);
    assertThat(json).isEqualTo(resource("trend-edge-cases.json"));

    TrendDocument back = AnalysisJson.readTrend(json);
    assertThat(back.trend().suspects().get(0).instancesPerHour()).isNaN();
    assertThat(back.trend().flatSince()).isEqualTo(trend.flatSince());
    assertThat(back.owners()).isEqualTo(owners);
    assertThat(AnalysisJson.trendToString(back.trend(), back.owners())).isEqualTo(json);
  }

  @Test
  void edgeCaseDeepAnalysisIsWrittenToThePinnedBytesAndReadsBack() throws Exception {
    DeepResult deep =
        new DeepResult(
            null,
            WEIRD,
            1,
            2,
            3,
            4,
            5,
            new DeepResult.Timings(1, 2, 3),
            List.of(),
            List.of(),
            List.of(
                new SuspectReport(WEIRD, 1, 2, List.of()),
                new SuspectReport(
                    "x", 1, 2, List.of(new OwnerReport(null, true, 1, 2, 3, 4, List.of())))));
    String json = DeepJson.toJson(deep);
    assertThat(json).isEqualTo(resource("deep-edge-cases.json"));
    assertThat(AnalysisJson.readDeep(json)).isEqualTo(deep);
    assertThat(DeepJson.toJson(AnalysisJson.readDeep(json))).isEqualTo(json);
  }

  @Test
  void malformedDocumentsFailNamingTheField() {
    assertThatThrownBy(() -> AnalysisJson.readTrend("{\"assessment\": \"leaky\"}"))
        .isInstanceOf(AnalysisJsonException.class)
        .hasMessageContaining("Invalid trend JSON")
        .hasMessageContaining("leaky");
    assertThatThrownBy(
            () ->
                AnalysisJson.readTrend(
                    "{\"assessment\": \"stable\", \"suspects\": [{\"class\": 3}]}"))
        .isInstanceOf(AnalysisJsonException.class)
        .hasMessageContaining("\"class\" must be a string");
    assertThatThrownBy(() -> AnalysisJson.readDiff("{\"base\": []}"))
        .isInstanceOf(AnalysisJsonException.class)
        .hasMessageContaining("\"base\" must be a JSON object");
    assertThatThrownBy(() -> AnalysisJson.readDeep("{\"timings\": {}, \"classes\": [1]}"))
        .isInstanceOf(AnalysisJsonException.class)
        .hasMessageContaining("a \"classes\" entry must be a JSON object");
    assertThatThrownBy(() -> AnalysisJson.readHistogram("{\"dump\": {} ,"))
        .isInstanceOf(AnalysisJsonException.class)
        .hasMessageContaining("Invalid JSON at offset");
    assertThatThrownBy(() -> AnalysisJson.readTrend("[".repeat(100_000)))
        .isInstanceOf(AnalysisJsonException.class)
        .hasMessageContaining("nesting depth");
    assertThatThrownBy(() -> AnalysisJson.readTrend("{} {}"))
        .isInstanceOf(AnalysisJsonException.class)
        .hasMessageContaining("trailing content");
  }

  /**
   * The same lines, except that an owner's {@code bytesPerHour} (the sum of its suspects' rates,
   * recomputed from their 4-decimal values) may differ in the last decimals.
   */
  private static void assertSameUpToOwnerRateSums(String actual, String expected) {
    List<String> a = actual.lines().toList();
    List<String> e = expected.lines().toList();
    assertThat(a).hasSameSizeAs(e);
    int ownersStart = e.indexOf("  \"owners\": [");
    int ownersEnd = ownersStart < 0 ? -1 : e.subList(ownersStart, e.size()).indexOf("  ],");
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i).equals(e.get(i))) {
        continue;
      }
      assertThat(i)
          .as("line %d: %s", i + 1, a.get(i))
          .isBetween(ownersStart, ownersStart + ownersEnd);
      String field = "\"bytesPerHour\": ";
      assertThat(a.get(i)).as("line %d", i + 1).contains(field);
      assertThat(e.get(i)).as("line %d", i + 1).contains(field);
      double x = Double.parseDouble(a.get(i).replaceAll(".*: |,$", ""));
      double y = Double.parseDouble(e.get(i).replaceAll(".*: |,$", ""));
      assertThat(x).as("line %d", i + 1).isCloseTo(y, org.assertj.core.data.Offset.offset(1e-3));
    }
  }

  private static String diff(DiffResult d, List<RetainedDiff.Delta> retained) {
    StringWriter out = new StringWriter();
    try {
      AnalysisJson.writeDiff(d, retained, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = AnalysisJsonRoundTripTest.class.getResourceAsStream("/json/" + name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
