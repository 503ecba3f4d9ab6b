package io.heapfleet.collector.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.histogram.ClassStats;
import io.heapfleet.analysis.histogram.SizeModel;
import io.heapfleet.analysis.json.AnalysisJson;
import io.heapfleet.analysis.retainer.DeepResult;
import io.heapfleet.analysis.retainer.SuspectOwner;
import io.heapfleet.analysis.trend.Assessment;
import io.heapfleet.analysis.trend.Suspect;
import io.heapfleet.analysis.trend.TrendResult;
import io.heapfleet.collector.discovery.Target;
import io.heapfleet.collector.state.FleetState.TrendSummary;
import io.heapfleet.collector.testing.RefusingS3;
import io.heapfleet.storage.DumpFormat;
import io.heapfleet.storage.DumpKey;
import io.heapfleet.storage.DumpMetadata;
import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.EmbeddedS3;
import io.heapfleet.storage.StoredDump;
import io.heapfleet.storage.TaskArtifact;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector's deep step against an in-process S3 holding a real dump of this JVM, taken while
 * {@link Basket}s with 8 KB payloads sit in the static list {@link #BASKETS}: the owner and path
 * are found, oversized dumps are skipped, offers of two tasks both run (one at a time), a corrupt
 * dump fails without a callback, an inconclusive trend gets its owners too (what grows), and no
 * temp file is left behind.
 */
class DeepAnalyserTest {
  /** The domain class the dump is full of. */
  static final class Basket {
    final byte[] items = new byte[8192];
  }

  static final List<Basket> BASKETS = new ArrayList<>();

  @TempDir static Path dir;
  static EmbeddedS3 s3;
  static DumpStore store;
  static StoredDump dump;
  static StoredDump sameDumpOtherTask;
  static StoredDump corrupt;

  /** Two dumps of one task, half an hour apart: too few for a verdict, so inconclusive. */
  static StoredDump earlier;

  static StoredDump later;
  static final ExecutorService executor = Executors.newSingleThreadExecutor();

  @BeforeAll
  static void storeARealDump() throws Exception {
    for (int i = 0; i < 1000; i++) {
      BASKETS.add(new Basket());
    }
    Path file = dir.resolve("self.hprof");
    ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
        .dumpHeap(file.toString(), true);
    s3 = EmbeddedS3.inMemory("heapfleet");
    store =
        new DumpStore(
            new RefusingS3().client(s3),
            s3.settings().withPrefix("heapdumps").withPartSize(5 << 20));
    Instant t = Instant.parse("2026-11-22T04:00:00Z");
    try (InputStream in = Files.newInputStream(file)) {
      dump =
          store.upload(DumpKey.of("c", "svc", "t1", t, DumpFormat.RAW), in, DumpMetadata.unknown());
    }
    try (InputStream in = Files.newInputStream(file)) {
      sameDumpOtherTask =
          store.upload(DumpKey.of("c", "svc", "t2", t, DumpFormat.RAW), in, DumpMetadata.unknown());
    }
    try (InputStream in = Files.newInputStream(file)) {
      earlier =
          store.upload(
              DumpKey.of("c", "svc", "t4", t.minusSeconds(1800), DumpFormat.RAW),
              in,
              DumpMetadata.unknown());
    }
    try (InputStream in = Files.newInputStream(file)) {
      later =
          store.upload(DumpKey.of("c", "svc", "t4", t, DumpFormat.RAW), in, DumpMetadata.unknown());
    }
    Files.delete(file);
    corrupt =
        store.upload(
            DumpKey.of("c", "svc", "t3", t, DumpFormat.RAW),
            new ByteArrayInputStream("not a heap dump".getBytes(StandardCharsets.UTF_8)),
            DumpMetadata.unknown());
  }

  @AfterAll
  static void stop() {
    executor.shutdownNow();
    if (store != null) {
      store.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  static TrendResult leakingTrend() {
    Suspect basket =
        new Suspect(Basket.class.getName(), 1e6, 1e3, 1, 3, 3, 1, 1e5, 100, true, 16_000, 1000);
    return new TrendResult(Assessment.LEAKING, "test", 1e6, 1, List.of(), List.of(basket));
  }

  DeepAnalyser analyser(Path temp, long maxDumpBytes) {
    return new DeepAnalyser(
        store, new DeepAnalyser.Settings(maxDumpBytes, 64L << 20, 5, temp), executor);
  }

  @Test
  void findsTheOwnerOfTheSuspectAndLeavesNoTempFile() throws Exception {
    Path temp = dir.resolve("deep-a");
    DeepAnalyser deep = analyser(temp, Long.MAX_VALUE);
    CompletableFuture<DeepResult> t1 = new CompletableFuture<>();
    CompletableFuture<DeepResult> t2 = new CompletableFuture<>();
    assertThat(deep.offer(dump, leakingTrend(), t1::complete)).isTrue();
    // Offered while the first runs: waits its turn, is not dropped.
    assertThat(deep.offer(sameDumpOtherTask, leakingTrend(), t2::complete)).isTrue();
    SuspectOwner owner = t1.get(120, TimeUnit.SECONDS).owner(Basket.class.getName()).orElseThrow();
    assertThat(owner.owner()).isEqualTo(DeepAnalyserTest.class.getName());
    assertThat(owner.retainedBytes()).isGreaterThanOrEqualTo(1000L * 8192);
    assertThat(owner.path().get(0))
        .isEqualTo("static " + DeepAnalyserTest.class.getName() + ".BASKETS");
    assertThat(t2.get(120, TimeUnit.SECONDS).owner(Basket.class.getName())).contains(owner);
    awaitIdle(deep);
    assertThat(filesUnder(temp)).isEmpty();
  }

  @Test
  void skipsDumpsOverTheSizeLimit() throws Exception {
    DeepAnalyser deep = analyser(dir.resolve("deep-b"), dump.sizeBytes() - 1);
    assertThat(deep.offer(dump, leakingTrend(), r -> {})).isFalse();
    assertThat(deep.busy()).isFalse();
  }

  @Test
  void aCorruptDumpFailsWithoutCallbackAndLeavesNothing() throws Exception {
    Path temp = dir.resolve("deep-c");
    DeepAnalyser deep = analyser(temp, Long.MAX_VALUE);
    CompletableFuture<DeepResult> done = new CompletableFuture<>();
    assertThat(deep.offer(corrupt, leakingTrend(), done::complete)).isTrue();
    awaitIdle(deep);
    assertThat(done).isNotDone();
    assertThat(filesUnder(temp)).isEmpty();
  }

  @Test
  void anInconclusiveTrendGetsItsOwnersAsWhatGrows() throws Exception {
    Path temp = dir.resolve("deep-d");
    DeepAnalyser deep = analyser(temp, Long.MAX_VALUE);
    SeriesAnalysis series = new SeriesAnalysis(store, 48, deep);
    String basket = Basket.class.getName();
    store.putSummary(earlier.key(), AnalysisJson.histogramToString(histogram(earlier, 1_000)));
    TrendSummary trend =
        series.afterCapture(
            new Target("t4", "c", "svc", URI.create("http://127.0.0.1:1"), false),
            later,
            histogram(later, 3_000));
    assertThat(trend.assessment()).as(trend.reason()).isEqualTo("inconclusive");
    awaitIdle(deep);
    var owners = series.growingOwners("t4");
    assertThat(owners).as("owners of an inconclusive trend").isNotEmpty();
    assertThat(owners.get(0).owner()).isEqualTo(DeepAnalyserTest.class.getName());
    assertThat(owners.get(0).classes()).contains(basket);
    String md = series.artifact("t4", TaskArtifact.TREND_MD).orElseThrow();
    assertThat(md).contains("What grows (not a leak verdict yet): ").doesNotContain("LEAKING");
    assertThat(filesUnder(temp)).isEmpty();
  }

  /** A histogram of {@code dump} whose only class is {@code baskets} Baskets (8 KB each). */
  private static ClassHistogram histogram(StoredDump dump, long baskets) {
    long bytes = baskets * 8208;
    return new ClassHistogram(
        dump.time(),
        8,
        baskets,
        bytes,
        1,
        List.of(new ClassStats(Basket.class.getName(), baskets, bytes)),
        List.of(),
        SizeModel.COMPRESSED_OOPS);
  }

  private static void awaitIdle(DeepAnalyser deep) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (deep.busy() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(deep.busy()).as("analysis still running").isFalse();
  }

  private static List<Path> filesUnder(Path temp) throws Exception {
    if (!Files.exists(temp)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(temp)) {
      return files.filter(p -> !p.equals(temp)).toList();
    }
  }
}
