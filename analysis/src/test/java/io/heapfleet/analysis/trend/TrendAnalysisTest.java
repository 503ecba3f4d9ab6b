package io.heapfleet.analysis.trend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.histogram.ClassStats;
import io.heapfleet.analysis.histogram.SizeModel;
import io.heapfleet.analysis.json.AnalysisJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrendAnalysisTest {
  private static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");

  static ClassHistogram histogram(int minutes, long... bytesPerClass) {
    List<ClassStats> entries = new ArrayList<>();
    long total = 0;
    for (int i = 0; i < bytesPerClass.length; i++) {
      entries.add(new ClassStats("com.acme.C" + i, bytesPerClass[i] / 32, bytesPerClass[i]));
      total += bytesPerClass[i];
    }
    return new ClassHistogram(
        T0.plusSeconds(60L * minutes),
        8,
        total / 32,
        total,
        entries.size(),
        entries,
        List.of(),
        SizeModel.COMPRESSED_OOPS);
  }

  /**
   * A V8 histogram: an application class growing by {@code app}, V8's compiled code by {@code
   * code}.
   */
  static ClassHistogram v8(int minutes, long app, long code) {
    List<ClassStats> entries =
        List.of(
            new ClassStats("Quote", app / 32, app),
            new ClassStats("(compiled code)", code / 64, code),
            new ClassStats("(string)", 1000, 2_000_000));
    long total = app + code + 2_000_000;
    return new ClassHistogram(
        T0.plusSeconds(60L * minutes),
        8,
        total / 32,
        total,
        entries.size(),
        entries,
        List.of(),
        SizeModel.V8,
        io.heapfleet.analysis.histogram.HeapRuntime.NODE);
  }

  @Test
  void v8CompiledCodeThatGrowsByTensOfKbPerSnapshotIsNotALeak() {
    // As a quiet Node.js process a few seconds old: +20 KB of (compiled code) per snapshot.
    List<ClassHistogram> dumps = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      dumps.add(v8(30 * i, 1_000_000, 1_500_000 + i * 20_000L));
    }
    TrendResult t = TrendAnalysis.of(dumps);
    assertThat(t.assessment()).as(t.reason()).isNotEqualTo(Assessment.LEAKING);
    assertThat(t.suspects()).noneMatch(Suspect::steady);
  }

  @Test
  void v8CompiledCodeThatGrowsByMegabytesIsALeak() {
    // Code generated per request (new Function with unique sources): 400 KB per snapshot.
    List<ClassHistogram> dumps = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      dumps.add(v8(30 * i, 1_000_000, 1_500_000 + i * 400_000L));
    }
    TrendResult t = TrendAnalysis.of(dumps);
    assertThat(t.assessment()).isEqualTo(Assessment.LEAKING);
    assertThat(t.suspects().get(0).className()).isEqualTo("(compiled code)");
    // and an application class that grows by little is still judged by the usual bar
    List<ClassHistogram> app = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      app.add(v8(30 * i, 1_000_000 + i * 20_000L, 1_500_000 + i * 20_000L));
    }
    TrendResult a = TrendAnalysis.of(app);
    assertThat(a.assessment()).isEqualTo(Assessment.LEAKING);
    assertThat(a.suspects().get(0).className()).isEqualTo("Quote");
  }

  @Test
  void slopesArePerHourFromTheDumpTimestamps() {
    // C0 grows 1 MB every 30 minutes: 2 MB/hour.
    List<ClassHistogram> dumps = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      dumps.add(histogram(30 * i, 10_000_000 + i * 1_048_576L));
    }
    TrendResult t = TrendAnalysis.of(dumps);
    assertThat(t.assessment()).isEqualTo(Assessment.LEAKING);
    assertThat(t.heapBytesPerHour())
        .isEqualTo(2 * 1_048_576.0, org.assertj.core.data.Offset.offset(1.0));
    Suspect s = t.suspects().get(0);
    assertThat(s.bytesPerHour())
        .isEqualTo(2 * 1_048_576.0, org.assertj.core.data.Offset.offset(1.0));
    assertThat(s.bytesPerStep()).isEqualTo(1_048_576.0, org.assertj.core.data.Offset.offset(1.0));
    assertThat(s.steadiness()).isEqualTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(AnalysisJson.trendToString(t))
        .contains("\"assessment\": \"leaking\"")
        .contains("\"heapBytesPerHour\": 2097152")
        .contains("\"class\": \"com.acme.C0\"");
  }

  @Test
  void twoDumpsAreInconclusiveAndSayHowManyMoreWillTell() {
    TrendResult t = TrendAnalysis.of(List.of(histogram(0, 1_000_000), histogram(30, 9_000_000)));
    assertThat(t.assessment()).isEqualTo(Assessment.INCONCLUSIVE);
    assertThat(t.reason()).contains("at least 3").contains("1 more dump at this interval (30 min)");
    assertThat(AnalysisJson.trendToString(t)).contains("\"assessment\": \"inconclusive\"");
  }

  @Test
  void aCacheStillFillingIsInconclusiveNotStable() {
    // The demo's orders-2 shape: the heap grows in every interval, more slowly each time. The leak
    // rule rejects it (the later half grows at under half the overall rate), but it is not flat.
    long mb = 1_048_576;
    long[] heap = {100 * mb, 250 * mb, 340 * mb, 390 * mb, 415 * mb, 430 * mb};
    List<ClassHistogram> dumps = new ArrayList<>();
    for (int i = 0; i < heap.length; i++) {
      dumps.add(histogram(10 * i, heap[i]));
    }
    TrendResult t = TrendAnalysis.of(dumps);
    assertThat(t.assessment()).as(t.reason()).isEqualTo(Assessment.INCONCLUSIVE);
    assertThat(t.suspects()).noneMatch(Suspect::steady);
    assertThat(t.reason())
        .startsWith(
            "Not flat yet: +"
                + io.heapfleet.analysis.report.Format.bytes(t.recentHeapBytesPerHour())
                + "/h over the last 3 dumps, down from +")
        .contains("2 more dumps at this interval (10 min) will tell");
    assertThat(t.flatSince()).isEmpty();

    // The same cache once it stopped growing: three dumps with no new high make it stable.
    long[] filled = {100 * mb, 200 * mb, 280 * mb, 300 * mb, 299 * mb, 300 * mb};
    List<ClassHistogram> later = new ArrayList<>();
    for (int i = 0; i < filled.length; i++) {
      later.add(histogram(10 * i, filled[i]));
    }
    TrendResult done = TrendAnalysis.of(later);
    assertThat(done.assessment()).as(done.reason()).isEqualTo(Assessment.STABLE);
    assertThat(done.flatSince()).isPresent();
  }

  @Test
  void classesGrowingInLockstepAreOneGroupNamedByTheApplicationClass() {
    // A memoizer fed unique keys: every call adds one Entry, one HashMap$Node, one long[] and one
    // byte[]; by bytes the JDK classes lead and the application classes would rank 4th and 5th.
    List<ClassHistogram> dumps = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long k = 2_000L * i;
      dumps.add(
          new ClassHistogram(
              T0.plusSeconds(60L * i),
              8,
              0,
              0,
              6,
              List.of(
                  new ClassStats("long[]", 100 + k, 1_000 + k * 1_040),
                  new ClassStats("byte[]", 900 + k + (i % 2), 50_000 + k * 1_000),
                  new ClassStats("java.util.HashMap$Node", 300 + k, 9_600 + k * 32),
                  new ClassStats("com.acme.memo.Memoizer$Entry", k, k * 24),
                  new ClassStats("com.acme.memo.Quote", k, k * 16),
                  new ClassStats("java.lang.String", 5_000 + 10L * i, 120_000 + 240L * i)),
              List.of(),
              SizeModel.COMPRESSED_OOPS));
    }
    TrendResult t = TrendAnalysis.of(dumps);
    assertThat(t.lockstep()).hasSize(1);
    LockstepGroup g = t.lockstep().get(0);
    assertThat(g.name()).isEqualTo("com.acme.memo.Memoizer$Entry");
    assertThat(g.applicationClasses())
        .containsExactly("com.acme.memo.Memoizer$Entry", "com.acme.memo.Quote");
    assertThat(g.platformClasses()).containsExactly("long[]", "byte[]", "java.util.HashMap$Node");
    assertThat(g.instancesPerDump()).isEqualTo(2_000.0, org.assertj.core.data.Offset.offset(0.1));
    assertThat(t.suspects().subList(0, 3))
        .extracting(Suspect::className)
        .containsExactly("com.acme.memo.Memoizer$Entry", "com.acme.memo.Quote", "long[]");
    assertThat(t.reason()).startsWith("com.acme.memo.Memoizer$Entry grew in 4 of 4 intervals");
    assertThat(AnalysisJson.trendToString(t))
        .contains("\"lockstep\": \"com.acme.memo.Memoizer$Entry\"")
        .contains("\"platformClasses\": [")
        .contains("\"name\": \"com.acme.memo.Memoizer$Entry\"");
    // String grew by 10 per dump: not in lockstep, and left where it ranked.
    assertThat(t.lockstepGroupOf("java.lang.String")).isEmpty();
  }

  @Test
  void aFilledCacheBesideGrowingGcFillerIsStableAndSaysSoWithoutTheFiller() {
    // A demo run's cache task: byte[] filled to 17.6 MB and stayed there, while int[] (GC filler,
    // fewer and bigger arrays) grew the total heap by 5 MB over the last dumps.
    long[][] bytesAndCounts = {
      {7_651_888, 13_820, 82_392, 733},
      {17_094_384, 13_982, 118_952, 807},
      {17_619_448, 14_001, 33_768, 444},
      {17_620_168, 14_014, 3_706_528, 446},
      {17_620_672, 14_029, 5_543_496, 450}
    };
    List<ClassHistogram> dumps = new ArrayList<>();
    for (int i = 0; i < bytesAndCounts.length; i++) {
      long[] r = bytesAndCounts[i];
      dumps.add(
          new ClassHistogram(
              T0.plusSeconds(11L * i),
              8,
              r[1] + r[3],
              r[0] + r[2],
              2,
              List.of(new ClassStats("byte[]", r[1], r[0]), new ClassStats("int[]", r[3], r[2])),
              List.of(),
              SizeModel.COMPRESSED_OOPS));
    }
    TrendResult t = TrendAnalysis.of(dumps);
    assertThat(t.assessment()).as(t.reason()).isEqualTo(Assessment.STABLE);
    assertThat(t.reason())
        .contains("byte[] grew early and then levelled off")
        .contains("Without int[] (fewer, bigger arrays: not objects piling up), the heap now")
        .doesNotContain(
            io.heapfleet.analysis.report.Format.signedBytes(t.recentHeapBytesPerHour()));
  }

  @Test
  void aRiseWithinTheHeapsOwnSwingIsStable() {
    // Up, down by 25 MB, then up twice by less than that: within the noise the heap has shown.
    long mb = 1_048_576;
    long[] heap = {100 * mb, 120 * mb, 95 * mb, 105 * mb, 118 * mb};
    List<ClassHistogram> dumps = new ArrayList<>();
    for (int i = 0; i < heap.length; i++) {
      dumps.add(histogram(10 * i, heap[i]));
    }
    TrendResult t = TrendAnalysis.of(dumps);
    assertThat(t.assessment()).as(t.reason()).isEqualTo(Assessment.STABLE);
  }

  @Test
  void tinySteadyDriftIsNotALeak() {
    List<ClassHistogram> dumps = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      dumps.add(histogram(30 * i, 50_000_000, 1000 + i * 100L));
    }
    assertThat(TrendAnalysis.of(dumps).assessment()).isEqualTo(Assessment.STABLE);
  }

  @Test
  void bytesGrowingWhileInstancesFallAreFewerBiggerArraysNotALeak() {
    // The demo's plateau task on JDK 17: int[] +1.1 MB and -71 instances per dump (GC filler
    // arrays), steady enough by bytes alone. Beside it, a real leak whose objects pile up.
    List<ClassHistogram> dumps = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      long fillerBytes = 1_000_000 + i * 1_100_000L;
      long fillerCount = 700 - 71L * i;
      long leakBytes = 200_000 + i * 100_000L;
      long noisyBytes = 50_000 + (i % 2 == 0 ? i * 1_000L : 0);
      dumps.add(
          new ClassHistogram(
              T0.plusSeconds(900L * i),
              8,
              fillerCount + leakBytes / 32 + noisyBytes / 32,
              fillerBytes + leakBytes + noisyBytes,
              3,
              List.of(
                  new ClassStats("int[]", fillerCount, fillerBytes),
                  new ClassStats("com.acme.Leak", leakBytes / 32, leakBytes),
                  new ClassStats("com.acme.Noisy", noisyBytes / 32, noisyBytes)),
              List.of(),
              SizeModel.COMPRESSED_OOPS));
    }
    TrendResult t = TrendAnalysis.of(dumps);
    assertThat(t.suspects())
        .filteredOn(Suspect::steady)
        .extracting(Suspect::className)
        .containsExactly("com.acme.Leak");
    assertThat(t.reason()).startsWith("com.acme.Leak grew in");
    // Fewer-but-bigger classes rank last, even after a noisy class that grows far less.
    assertThat(t.suspects())
        .extracting(Suspect::className)
        .containsExactly("com.acme.Leak", "com.acme.Noisy", "int[]");

    // Without the leak, the falling-count growth alone is not a leak.
    List<ClassHistogram> fillersOnly = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      long fillerBytes = 1_000_000 + i * 1_100_000L;
      long fillerCount = 700 - 71L * i;
      fillersOnly.add(
          new ClassHistogram(
              T0.plusSeconds(900L * i),
              8,
              fillerCount + 1000,
              fillerBytes + 32_000,
              2,
              List.of(
                  new ClassStats("int[]", fillerCount, fillerBytes),
                  new ClassStats("com.acme.Quiet", 1000, 32_000)),
              List.of(),
              SizeModel.COMPRESSED_OOPS));
    }
    TrendResult quiet = TrendAnalysis.of(fillersOnly);
    assertThat(quiet.suspects()).noneMatch(Suspect::steady);
    // The whole heap grows steadily too, but only through int[]: not "spread over many classes".
    assertThat(quiet.assessment()).as(quiet.reason()).isEqualTo(Assessment.STABLE);
    assertThat(quiet.heapBytesPerHour()).isPositive();
  }

  @Test
  void dumpsWithOneTimestampAreRefused() {
    assertThatThrownBy(() -> TrendAnalysis.of(List.of(histogram(0, 1), histogram(0, 2))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("same timestamp");
  }
}
