package io.heapfleet.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The behaviour every S3 backend must show, run against S3Proxy in-process ({@link
 * S3ProxyDumpStoreTest}) and LocalStack ({@link LocalStackDumpStoreTest}, when Docker is there).
 * Each test works under its own random prefix so one server serves the whole class.
 */
abstract class DumpStoreContract {
  static final int PART = S3Settings.MIN_PART_SIZE;
  static final Instant T0 = Instant.parse("2026-11-22T01:00:00Z");

  /** Settings (endpoint, credentials, bucket) of the backend under test. */
  abstract S3Settings backend();

  S3Settings settings;
  DumpStore store;
  S3Client raw;
  @TempDir Path tmp;

  @BeforeEach
  void openStore() {
    settings =
        backend().withPrefix("test-" + UUID.randomUUID()).withPartSize(PART).withPartsInFlight(2);
    store = DumpStore.create(settings);
    raw = store.client();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  DumpKey key(String task, int minutes) {
    return DumpKey.of("prod", "orders", task, T0.plusSeconds(60L * minutes), DumpFormat.GZIP);
  }

  int openMultipartUploads() {
    return raw.listMultipartUploads(b -> b.bucket(settings.bucket()).prefix(settings.prefix()))
        .uploads()
        .size();
  }

  @Test
  void smallDumpIsOnePutWithChecksumAndMetadata() throws Exception {
    DumpMetadata meta =
        new DumpMetadata("17.0.15 (Temurin)", 123_456_789L, 9_999L, Duration.ofMillis(850));
    StoredDump stored = store.upload(key("t1", 0), TestStreams.random(1, 100_000), meta);

    assertThat(stored.sizeBytes()).isEqualTo(100_000);
    assertThat(stored.sha256()).isEqualTo(TestStreams.sha256(1, 100_000));
    StoredDump head = store.head(key("t1", 0));
    assertThat(head.sha256()).isEqualTo(stored.sha256());
    assertThat(head.metadata()).isEqualTo(meta);
    assertThat(head.objectKey())
        .isEqualTo(settings.prefix() + "/prod/orders/t1/20261122T010000Z.hprof.gz");
  }

  @Test
  void largeDumpGoesMultipartAndRoundTripsVerified() throws Exception {
    long size = 2L * PART + 12_345; // three parts
    StoredDump stored =
        store.upload(key("t2", 0), TestStreams.random(2, size), DumpMetadata.unknown());

    assertThat(stored.sha256()).isEqualTo(TestStreams.sha256(2, size));
    assertThat(store.head(key("t2", 0)).sha256()).isEqualTo(stored.sha256());
    assertThat(openMultipartUploads()).isZero();

    DownloadedDump d = store.download(store.series("t2").get(0), tmp);
    assertThat(d.path().getFileName().toString()).isEqualTo("t2-20261122T010000Z.hprof.gz");
    assertThat(d.verified()).isTrue();
    assertThat(d.sizeBytes()).isEqualTo(size);
    assertThat(d.sha256()).isEqualTo(stored.sha256());
    assertThat(Files.size(d.path())).isEqualTo(size);
  }

  @Test
  void sourceFailingMidStreamAbortsTheMultipartUpload() {
    InputStream failing = TestStreams.random(3, 10L * PART, 2L * PART + 100);

    assertThatThrownBy(() -> store.upload(key("t3", 0), failing, DumpMetadata.unknown()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("source failed");

    assertThat(openMultipartUploads()).isZero();
    assertThat(store.series("t3")).isEmpty();
    assertThat(
            raw.listObjectsV2(b -> b.bucket(settings.bucket()).prefix(settings.prefix()))
                .keyCount())
        .isZero();
  }

  @Test
  void closingAnUploadWithoutCompleteAbortsIt() throws Exception {
    try (DumpUpload upload = store.openUpload(key("t4", 0), DumpMetadata.unknown())) {
      byte[] chunk = new byte[1 << 20];
      for (int i = 0; i < 7; i++) {
        upload.write(chunk);
      }
      assertThat(openMultipartUploads()).isEqualTo(1);
    }
    assertThat(openMultipartUploads()).isZero();
    assertThat(store.series("t4")).isEmpty();
  }

  @Test
  void seriesIsInTimeOrderAndFoundByTaskIdAlone() throws Exception {
    for (int m : new int[] {60, 0, 30}) {
      store.upload(
          key("t5", m),
          TestStreams.random(m, 1000 + m),
          new DumpMetadata(null, 1000L * m, -1, null));
    }
    store.upload(
        DumpKey.of("other", "svc", "t6", T0, DumpFormat.ZSTD),
        TestStreams.random(9, 10),
        DumpMetadata.unknown());

    List<StoredDump> series = store.series("t5");
    assertThat(series)
        .extracting(StoredDump::time)
        .containsExactly(T0, T0.plusSeconds(1800), T0.plusSeconds(3600));
    assertThat(series)
        .extracting(d -> d.metadata().heapUsedBytes())
        .containsExactly(0L, 30_000L, 60_000L);
    assertThat(series).allSatisfy(d -> assertThat(d.sha256()).hasSize(64));
    assertThat(store.findTask("t6")).contains(new TaskRef("other", "svc", "t6"));
    assertThat(store.series("no-such-task")).isEmpty();
  }

  @Test
  void dumpsOfOneTaskInTheSameSecondNeverReplaceEachOther() throws Exception {
    DumpKey same = key("t7", 0);
    // single PUTs (conditional create) and a multipart upload (key checked before it starts)
    StoredDump first = store.upload(same, TestStreams.random(71, 1000), DumpMetadata.unknown());
    StoredDump second = store.upload(same, TestStreams.random(72, 2000), DumpMetadata.unknown());
    StoredDump third =
        store.upload(same, TestStreams.random(73, PART + 3000), DumpMetadata.unknown());
    store.putSummary(first.key(), "{\"n\":1}");
    store.putSummary(second.key(), "{\"n\":2}");

    String folder = settings.prefix() + "/prod/orders/t7/";
    assertThat(first.objectKey()).isEqualTo(folder + "20261122T010000Z.hprof.gz");
    assertThat(second.objectKey()).isEqualTo(folder + "20261122T010000Z_2.hprof.gz");
    assertThat(third.objectKey()).isEqualTo(folder + "20261122T010000Z_3.hprof.gz");
    assertThat(second.key()).isEqualTo(same.withSequence(2));

    List<StoredDump> series = store.series("t7");
    assertThat(series)
        .extracting(StoredDump::sizeBytes)
        .containsExactly(1000L, 2000L, PART + 3000L);
    assertThat(series)
        .extracting(StoredDump::sha256)
        .containsExactly(
            TestStreams.sha256(71, 1000),
            TestStreams.sha256(72, 2000),
            TestStreams.sha256(73, PART + 3000));
    assertThat(store.readSummary(first.key())).contains("{\"n\":1}");
    assertThat(store.readSummary(second.key())).contains("{\"n\":2}");
    for (StoredDump d : series) {
      assertThat(store.download(d, tmp).verified()).isTrue();
    }
    assertThat(tmp.resolve("t7-20261122T010000Z_2.hprof.gz")).hasSize(2000);
    assertThat(openMultipartUploads()).isZero();
  }

  @Test
  void aRacingUploadToTheSameKeyFailsInsteadOfOverwriting() throws Exception {
    DumpKey same = key("t8", 0);
    try (DumpUpload slow = store.openUpload(same, DumpMetadata.unknown())) {
      slow.write(TestStreams.random(81, PART + 10).readAllBytes()); // multipart started: key free
      StoredDump fast = store.upload(same, TestStreams.random(82, 500), DumpMetadata.unknown());
      assertThat(fast.objectKey()).isEqualTo(slow.objectKey());

      assertThatThrownBy(slow::complete)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("another dump was stored as s3://")
          .hasMessageContaining("20261122T010000Z.hprof.gz");
    }
    assertThat(openMultipartUploads()).isZero();
    assertThat(store.series("t8"))
        .singleElement()
        .extracting(StoredDump::sha256)
        .isEqualTo(TestStreams.sha256(82, 500));
  }

  @Test
  void oddCharactersInIdsAreEncodedAndRoundTrip() throws Exception {
    DumpKey odd = DumpKey.of("my cluster/α", null, "../task 1?x=%", T0, DumpFormat.RAW);
    store.upload(odd, TestStreams.random(4, 10), DumpMetadata.unknown());

    StoredDump only = store.series("../task 1?x=%").get(0);
    assertThat(only.key()).isEqualTo(odd);
    assertThat(only.objectKey())
        .isEqualTo(
            settings.prefix()
                + "/my%20cluster%2F%CE%B1/_/..%2Ftask%201%3Fx%3D%25/20261122T010000Z.hprof");
    assertThat(store.tasks()).extracting(TaskState::task).containsExactly(odd.task());
  }

  @Test
  void corruptedObjectFailsDownloadAndLeavesNoFile() throws Exception {
    StoredDump stored =
        store.upload(key("t7", 0), TestStreams.random(7, 50_000), DumpMetadata.unknown());
    // Overwrite the bytes but keep the recorded metadata, as silent corruption would.
    var head = raw.headObject(b -> b.bucket(settings.bucket()).key(stored.objectKey()));
    raw.putObject(
        b -> b.bucket(settings.bucket()).key(stored.objectKey()).metadata(head.metadata()),
        RequestBody.fromBytes(new byte[50_000]));

    assertThatThrownBy(() -> store.download(stored, tmp))
        .isInstanceOf(StorageException.ChecksumMismatch.class)
        .hasMessageContaining(stored.sha256())
        .hasMessageContaining("partial file was removed");
    try (var files = Files.list(tmp)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void presignedUrlDownloadsWithPlainHttp() throws Exception {
    StoredDump stored =
        store.upload(key("t8", 0), TestStreams.random(8, 4096), DumpMetadata.unknown());
    var url = store.presign(stored, Duration.ofMinutes(5));

    HttpResponse<byte[]> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(url.toURI()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(
            java.util.HexFormat.of()
                .formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(response.body())))
        .isEqualTo(stored.sha256());
    assertThatThrownBy(() -> store.presign(stored, Duration.ofDays(8)))
        .hasMessageContaining("7 days");
  }

  @Test
  void summariesAndArtifactsRoundTrip() {
    DumpKey k = key("t9", 0);
    store.putSummary(k, "{\"classes\":1}");
    store.putArtifact(k.task(), TaskArtifact.TREND_MD, "# Trend\nleaking ✓");

    assertThat(store.readSummary(k)).contains("{\"classes\":1}");
    assertThat(store.readArtifact(k.task(), TaskArtifact.TREND_MD)).contains("# Trend\nleaking ✓");
    assertThat(store.readArtifact(k.task(), TaskArtifact.DIFF_JSON)).isEmpty();
  }

  @Test
  void retentionDeletesOldAndExcessDumpsButKeepsSummaries() throws Exception {
    for (int day = 0; day < 5; day++) {
      DumpKey k = key("t10", day * 24 * 60);
      store.upload(k, TestStreams.random(day, 100), DumpMetadata.unknown());
      store.putSummary(k, "{}");
    }
    Instant now = T0.plus(Duration.ofDays(4)); // cutoff exactly day 2: day 2 stays

    List<StoredDump> byAge = store.applyRetention("t10", RetentionPolicy.maxAgeDays(2), now);
    assertThat(byAge).extracting(StoredDump::time).containsExactly(T0, T0.plus(Duration.ofDays(1)));
    List<StoredDump> byCount = store.applyRetention("t10", RetentionPolicy.keepNewest(1), now);
    assertThat(byCount)
        .extracting(StoredDump::time)
        .containsExactly(T0.plus(Duration.ofDays(2)), T0.plus(Duration.ofDays(3)));

    assertThat(store.series("t10"))
        .extracting(StoredDump::time)
        .containsExactly(T0.plus(Duration.ofDays(4)));
    TaskState state = store.tasks().get(0);
    assertThat(state.summaries()).isEqualTo(5);
    assertThat(store.readSummary(key("t10", 0))).contains("{}");
  }

  @Test
  void tasksRebuildsTheWholeBucketState() throws Exception {
    store.upload(key("a", 0), TestStreams.random(1, 10), DumpMetadata.unknown());
    store.upload(key("a", 30), TestStreams.random(2, 20), DumpMetadata.unknown());
    store.putArtifact(key("a", 0).task(), TaskArtifact.DIFF_JSON, "{}");
    store.upload(
        DumpKey.of(null, null, "b", T0, DumpFormat.GZIP),
        TestStreams.random(3, 30),
        DumpMetadata.unknown());

    List<TaskState> tasks = store.tasks();
    assertThat(tasks).extracting(t -> t.task().taskId()).containsExactly("b", "a");
    TaskState a = tasks.get(1);
    assertThat(a.dumps()).hasSize(2);
    assertThat(a.latest().orElseThrow().time()).isEqualTo(T0.plusSeconds(1800));
    assertThat(a.totalBytes()).isEqualTo(30);
    assertThat(a.artifacts()).containsExactly(TaskArtifact.DIFF_JSON);
    assertThat(tasks.get(0).task()).isEqualTo(new TaskRef(null, null, "b"));
  }

  @Test
  void nodeSnapshotsAreListedDownloadedAndRetainedLikeDumps() throws Exception {
    for (int m : new int[] {0, 30, 60}) {
      DumpKey k =
          DumpKey.of("prod", "web", "n1", T0.plusSeconds(60L * m), DumpFormat.SNAPSHOT_GZIP);
      store.upload(k, TestStreams.random(m, 500 + m), DumpMetadata.unknown());
      store.putSummary(k, "{}");
    }
    store.upload(key("j1", 0), TestStreams.random(7, 50), DumpMetadata.unknown());

    List<StoredDump> series = store.series("n1");
    assertThat(series).extracting(d -> d.key().format()).containsOnly(DumpFormat.SNAPSHOT_GZIP);
    assertThat(series).extracting(StoredDump::sizeBytes).containsExactly(500L, 530L, 560L);
    assertThat(store.indexedState("n1").orElseThrow().dumps()).hasSize(3);
    assertThat(store.tasks())
        .extracting(t -> t.task().taskId() + ":" + t.dumps().size())
        .containsExactlyInAnyOrder("n1:3", "j1:1");

    DownloadedDump d = store.download(series.get(2), tmp);
    assertThat(d.path().getFileName().toString()).isEqualTo("n1-20261122T020000Z.heapsnapshot.gz");
    assertThat(d.verified()).isTrue();

    List<StoredDump> removed =
        store.applyRetention("n1", RetentionPolicy.keepNewest(1), T0.plus(Duration.ofDays(1)));
    assertThat(removed).hasSize(2);
    assertThat(store.series("n1")).extracting(StoredDump::sizeBytes).containsExactly(560L);
  }

  @Test
  void missingBucketIsNamedInTheError() {
    S3Settings other =
        new S3Settings(
            "no-such-bucket-" + UUID.randomUUID().toString().substring(0, 8),
            "",
            settings.endpoint(),
            settings.region(),
            true,
            ServerSideEncryption.NONE,
            null,
            PART,
            1,
            settings.credentials(),
            S3Settings.MAX_COPY_SIZE);
    try (DumpStore missing = DumpStore.create(other)) {
      assertThatThrownBy(missing::checkBucket)
          .isInstanceOf(StorageException.BucketNotFound.class)
          .hasMessageContaining(other.bucket());
      assertThatThrownBy(
              () -> missing.upload(key("x", 0), TestStreams.random(1, 10), DumpMetadata.unknown()))
          .hasMessageContaining(other.bucket());
      assertThatThrownBy(missing::tasks).isInstanceOf(StorageException.BucketNotFound.class);
    }
  }
}
