package io.heapfleet.collector.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.histogram.ClassStats;
import io.heapfleet.analysis.histogram.SizeModel;
import io.heapfleet.analysis.json.AnalysisJson;
import io.heapfleet.collector.state.FleetState;
import io.heapfleet.collector.state.TaskStatus;
import io.heapfleet.storage.DumpFormat;
import io.heapfleet.storage.DumpKey;
import io.heapfleet.storage.DumpMetadata;
import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.EmbeddedS3;
import io.heapfleet.storage.RetentionPolicy;
import io.heapfleet.storage.StoredDump;
import io.heapfleet.storage.TaskRef;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retention and the background restore against the in-process S3 (S3Proxy through the real S3
 * client): dumps deleted by count and age while summaries stay; live tasks restored in full first,
 * ended ones from their index markers, loaded in full when opened.
 */
class RetentionAndRestoreTest {
  private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private EmbeddedS3 s3;
  private DumpStore store;

  @BeforeEach
  void start() {
    s3 = EmbeddedS3.inMemory("heapfleet");
    store = DumpStore.create(s3.settings().withPrefix("heapdumps"));
  }

  @AfterEach
  void stop() {
    store.close();
    s3.close();
  }

  /** Stores a (small, fake) dump with the summary a capture would write beside it. */
  private StoredDump dump(TaskRef task, Instant at, long heapBytes) throws Exception {
    DumpKey key = new DumpKey(task, at, DumpFormat.GZIP);
    StoredDump stored =
        store.upload(
            key,
            new ByteArrayInputStream(
                ("dump of " + task.taskId() + " at " + at).getBytes(StandardCharsets.UTF_8)),
            new DumpMetadata("17.0.12", heapBytes, -1, null));
    ClassHistogram h =
        new ClassHistogram(
            at,
            8,
            heapBytes / 32,
            heapBytes,
            1,
            List.of(new ClassStats("com.example.Order", heapBytes / 32, heapBytes)),
            List.of(),
            SizeModel.COMPRESSED_OOPS);
    store.putSummary(key, AnalysisJson.histogramToString(h));
    return stored;
  }

  @Test
  void retentionDeletesDumpsByCountAndAgeAndKeepsTheirSummaries() throws Exception {
    TaskRef a = new TaskRef("prod", "orders", "a1");
    TaskRef b = new TaskRef("prod", "orders", "b1");
    List<StoredDump> aDumps =
        List.of(
            dump(a, NOW.minus(Duration.ofDays(6)), 100_000),
            dump(a, NOW.minus(Duration.ofDays(3)), 110_000),
            dump(a, NOW.minus(Duration.ofDays(2)), 120_000),
            dump(a, NOW.minus(Duration.ofDays(1)), 130_000),
            dump(a, NOW.minus(Duration.ofHours(1)), 140_000));
    dump(b, NOW.minus(Duration.ofHours(2)), 50_000);
    dump(b, NOW.minus(Duration.ofHours(1)), 51_000);
    RetentionRun retention =
        new RetentionRun(store, new RetentionPolicy(Duration.ofDays(4), 3), CLOCK);

    RetentionRun.Result first = retention.runOnce();

    assertThat(first.tasks()).isEqualTo(2);
    assertThat(first.deletedDumps()).isEqualTo(2); // a1's 6-day-old (age) and 3-day-old (count)
    assertThat(first.deletedBytes())
        .isEqualTo(aDumps.get(0).sizeBytes() + aDumps.get(1).sizeBytes());
    assertThat(store.listSeries(a))
        .extracting(StoredDump::key)
        .containsExactly(aDumps.get(2).key(), aDumps.get(3).key(), aDumps.get(4).key());
    assertThat(store.listSeries(b)).hasSize(2);
    // Summaries outlive their dumps; the task's series (marker) no longer lists the deleted ones.
    assertThat(store.readSummary(aDumps.get(0).key())).isPresent();
    assertThat(store.readSummary(aDumps.get(1).key())).isPresent();
    assertThat(store.series("a1")).hasSize(3);
    assertThat(store.indexedState("a1").orElseThrow().dumps()).hasSize(3);

    assertThat(retention.runOnce().deletedDumps()).isZero();
  }

  @Test
  void liveTasksAreRestoredInFullFirstAndEndedOnesFromTheirMarkersUntilOpened() throws Exception {
    TaskRef live = new TaskRef("prod", "orders", "live1");
    dump(live, NOW.minus(Duration.ofHours(2)), 100_000_000);
    dump(live, NOW.minus(Duration.ofHours(1)), 200_000_000);
    dump(live, NOW.minus(Duration.ofMinutes(1)), 300_000_000);
    for (int i = 0; i < 5; i++) {
      TaskRef ended = new TaskRef("prod", "orders", "ended" + i);
      dump(ended, NOW.minus(Duration.ofDays(3)), 10_000_000);
      dump(ended, NOW.minus(Duration.ofDays(2)), 10_000_000);
    }
    SeriesAnalysis analysis = new SeriesAnalysis(store, 48);
    FleetState state = new FleetState();
    state.setLive(Map.of("live1", new String[] {"prod", "orders"}));
    StateRestore restore = new StateRestore(store, analysis, state, CLOCK);
    assertThat(restore.status().phase()).isEqualTo(StateRestore.Phase.WAITING);

    restore.run(state.liveTaskIds());

    StateRestore.Status s = restore.status();
    assertThat(s.phase()).isEqualTo(StateRestore.Phase.DONE);
    assertThat(s.liveRestored()).isEqualTo(1);
    assertThat(s.markersSeen()).isEqualTo(6);
    assertThat(s.endedRestored()).isEqualTo(5);
    TaskStatus liveStatus = state.task("live1", id -> null).orElseThrow();
    assertThat(liveStatus.live()).isTrue();
    assertThat(liveStatus.snapshots()).isEqualTo(3);
    assertThat(liveStatus.heapUsedBytes()).isEqualTo(300_000_000);
    assertThat(liveStatus.assessment()).isNotEqualTo("unknown");

    TaskStatus ended = state.task("ended3", id -> null).orElseThrow();
    assertThat(ended.live()).isFalse();
    assertThat(ended.snapshots()).isEqualTo(2);
    assertThat(ended.heapUsedBytes()).isEqualTo(-1); // summaries not read yet
    assertThat(ended.reason()).isEqualTo(FleetState.TrendSummary.NOT_LOADED.reason());
    assertThat(state.isShallow("ended3")).isTrue();

    // Opening it reads its series and trend.
    assertThat(analysis.restoreTask("ended3", state)).isTrue();
    assertThat(state.isShallow("ended3")).isFalse();
    TaskStatus opened = state.task("ended3", id -> null).orElseThrow();
    assertThat(opened.heapUsedBytes()).isEqualTo(10_000_000);
    assertThat(opened.assessment()).isNotEqualTo("unknown");
  }

  @Test
  void restoreFailsVisiblyWhenTheBucketIsGone() {
    DumpStore missing =
        DumpStore.create(
            io.heapfleet.storage.S3Settings.of("no-such-bucket")
                .withEndpoint(s3.endpoint())
                .withRegion(EmbeddedS3.REGION)
                .withCredentials(s3.credentials()));
    StateRestore restore =
        new StateRestore(missing, new SeriesAnalysis(missing, 48), new FleetState(), CLOCK);
    restore.run(List.of());
    missing.close();
    assertThat(restore.status().phase()).isEqualTo(StateRestore.Phase.FAILED);
    assertThat(restore.status().error()).isNotBlank();
  }
}
