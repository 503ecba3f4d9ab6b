package io.heapfleet.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * What the server sees and what happens when it refuses: SSE headers on the wire, a part that never
 * gets through, wrong credentials, the checksum sidecar path. S3Proxy in-process, with a recording
 * TCP proxy in front where the wire matters.
 */
class S3ProxyFaultTest {
  static final int PART = S3Settings.MIN_PART_SIZE;
  static final Instant T0 = Instant.parse("2026-11-22T01:00:00Z");
  static EmbeddedS3 s3;
  static RecordingTcpProxy wire;

  @BeforeAll
  static void start() throws IOException {
    s3 = EmbeddedS3.inMemory("heapfleet-faults");
    wire = new RecordingTcpProxy(s3.endpoint());
  }

  @AfterAll
  static void stop() throws IOException {
    wire.close();
    s3.close();
  }

  static S3Settings viaWire() {
    return s3.settings()
        .withEndpoint(wire.endpoint())
        .withPrefix("p-" + UUID.randomUUID())
        .withPartSize(PART)
        .withPartsInFlight(2);
  }

  static DumpKey key(String task) {
    return DumpKey.of("c", "s", task, T0, DumpFormat.GZIP);
  }

  static int openUploads(DumpStore store) {
    return store.client().listMultipartUploads(b -> b.bucket(s3.bucket())).uploads().stream()
        .filter(u -> u.key().startsWith(store.settings().prefix()))
        .toList()
        .size();
  }

  @Test
  void sseS3HeaderReachesTheServerOnEveryWrite() throws Exception {
    wire.clear();
    try (DumpStore store =
        DumpStore.create(viaWire().withEncryption(ServerSideEncryption.AES256, null))) {
      store.upload(key("small"), TestStreams.random(1, 1000), DumpMetadata.unknown());
      store.upload(key("big"), TestStreams.random(2, PART + 10), DumpMetadata.unknown());
      store.putSummary(key("big"), "{}");
    }
    List<String> lines = wire.lines();
    // single PUT, index marker x2, create-multipart, checksum sidecar, summary
    assertThat(
            lines.stream().filter(l -> l.equalsIgnoreCase("x-amz-server-side-encryption: AES256")))
        .hasSizeGreaterThanOrEqualTo(6);
    assertThat(requestsFollowedBySse(lines, "POST ", "?uploads")).isTrue();
  }

  @Test
  void sseKmsHeadersWithKeyIdReachTheServer() {
    wire.clear();
    try (DumpStore store =
        DumpStore.create(viaWire().withEncryption(ServerSideEncryption.KMS, "alias/heapfleet"))) {
      try {
        store.upload(key("kms"), TestStreams.random(1, 1000), DumpMetadata.unknown());
      } catch (IOException | StorageException e) {
        // S3Proxy may not implement SSE-KMS; the headers it received are what this test checks.
      }
    }
    assertThat(wire.lines())
        .anySatisfy(
            l -> assertThat(l).isEqualToIgnoringCase("x-amz-server-side-encryption: aws:kms"))
        .anySatisfy(
            l ->
                assertThat(l)
                    .isEqualToIgnoringCase(
                        "x-amz-server-side-encryption-aws-kms-key-id: alias/heapfleet"));
  }

  @Test
  void partRejectedByTheServerAbortsTheUpload() {
    try (DumpStore store = DumpStore.create(viaWire())) {
      wire.cutWhen(l -> l.startsWith("PUT ") && l.contains("partNumber=2&"));
      try {
        assertThatThrownBy(
                () ->
                    store.upload(
                        key("cut"), TestStreams.random(3, 4L * PART), DumpMetadata.unknown()))
            .isInstanceOf(IOException.class)
            .hasMessageContaining("part 2");
      } finally {
        wire.cutWhen(l -> false);
      }
      assertThat(openUploads(store)).isZero();
      assertThat(store.tasks()).isEmpty();
    }
  }

  @Test
  void wrongCredentialsGiveAccessDenied() {
    S3Settings wrong =
        s3.settings()
            .withCredentials(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(EmbeddedS3.ACCESS_KEY, "not-the-secret")));
    try (DumpStore store = DumpStore.create(wrong)) {
      assertThatThrownBy(store::tasks)
          .isInstanceOf(StorageException.AccessDenied.class)
          .hasMessageContaining("access denied to s3://heapfleet-faults")
          .hasMessageNotContaining("not-the-secret");
      assertThatThrownBy(
              () -> store.upload(key("x"), TestStreams.random(1, 10), DumpMetadata.unknown()))
          .hasMessageContaining("access denied");
    }
  }

  @Test
  void seriesCostsTwoRequestsWhateverItsLength() throws Exception {
    try (DumpStore store = DumpStore.create(viaWire())) {
      List<StoredDump> stored = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) {
        long size = i == 2 ? PART + 100 : 1000 + i; // one multipart dump (checksum sidecar)
        stored.add(
            store.upload(
                DumpKey.of("c", "s", "many", T0.plusSeconds(60L * i), DumpFormat.GZIP),
                TestStreams.random(10 + i, size),
                new DumpMetadata(
                    "17.0.15 (Temurin)", 1000L * i, -1, java.time.Duration.ofMillis(i))));
      }

      wire.clear();
      List<StoredDump> series = store.series("many");
      assertThat(requestLines(wire.lines())).hasSize(2); // index marker GET + one listing
      assertThat(series)
          .extracting(StoredDump::sha256)
          .containsExactlyElementsOf(stored.stream().map(StoredDump::sha256).toList());
      assertThat(series)
          .extracting(d -> d.metadata().heapUsedBytes())
          .containsExactly(0L, 1000L, 2000L, 3000L);
      assertThat(series)
          .allSatisfy(d -> assertThat(d.metadata().jvm()).isEqualTo("17.0.15 (Temurin)"));
      // the same answer the HEADs give
      assertThat(series)
          .usingRecursiveFieldByFieldElementComparatorIgnoringFields("lastModified")
          .containsExactlyElementsOf(series.stream().map(d -> store.head(d.key())).toList());

      // A dump the marker does not describe (written by another tool): found, with a HEAD.
      DumpKey foreign = DumpKey.of("c", "s", "many", T0.plusSeconds(600), DumpFormat.GZIP);
      store
          .client()
          .putObject(
              b ->
                  b.bucket(s3.bucket())
                      .key(foreign.toKey(store.settings().prefix()))
                      .metadata(
                          java.util.Map.of("heapfleet-sha256", "ab", "heapfleet-heap-used", "7")),
              software.amazon.awssdk.core.sync.RequestBody.fromString("x"));
      wire.clear();
      StoredDump last = store.series("many").get(4);
      assertThat(last.sha256()).isEqualTo("ab");
      assertThat(last.metadata().heapUsedBytes()).isEqualTo(7);
      assertThat(requestLines(wire.lines()))
          .hasSize(3)
          .anyMatch(l -> l.startsWith("HEAD ") && l.contains("20261122T011000Z"));

      // Retention drops deleted dumps from the marker too.
      store.applyRetention("many", RetentionPolicy.keepNewest(2), T0);
      String marker =
          store
              .client()
              .getObjectAsBytes(
                  b -> b.bucket(s3.bucket()).key(store.settings().prefix() + "/_tasks/many"))
              .asUtf8String();
      assertThat(marker).startsWith("c/s/many\n").doesNotContain("20261122T010000Z.hprof.gz");
      assertThat(marker).contains("20261122T010300Z.hprof.gz heapfleet-");
      assertThat(store.series("many")).hasSize(2);
    }
  }

  @Test
  void aMarkerWithThePathOnlyStillWorks() throws Exception {
    try (DumpStore store = DumpStore.create(viaWire())) {
      StoredDump d = store.upload(key("old"), TestStreams.random(20, 500), DumpMetadata.unknown());
      store
          .client()
          .putObject(
              b -> b.bucket(s3.bucket()).key(store.settings().prefix() + "/_tasks/old"),
              software.amazon.awssdk.core.sync.RequestBody.fromString("c/s/old\n"));
      assertThat(store.findTask("old")).contains(new TaskRef("c", "s", "old"));
      assertThat(store.series("old"))
          .singleElement()
          .extracting(StoredDump::sha256)
          .isEqualTo(d.sha256());
    }
  }

  static List<String> requestLines(List<String> lines) {
    return lines.stream().filter(l -> l.matches("^(GET|PUT|POST|HEAD|DELETE) /.*")).toList();
  }

  @Test
  void partsGoUnsignedOverHttpButHeadersStaySigned() throws Exception {
    wire.clear();
    try (DumpStore store = DumpStore.create(viaWire())) {
      store.upload(key("unsigned"), TestStreams.random(6, PART + 10), DumpMetadata.unknown());
    }
    List<String> lines = wire.lines();
    assertThat(headerOf(lines, "PUT ", "partNumber=1&", "x-amz-content-sha256"))
        .isEqualTo("UNSIGNED-PAYLOAD");
    assertThat(headerOf(lines, "PUT ", "partNumber=1&", "authorization"))
        .startsWith("AWS4-HMAC-SHA256 ")
        .contains("x-amz-content-sha256");
    assertThat(lines).noneMatch(l -> l.contains("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"));
  }

  @Test
  void copyModePutsTheChecksumIntoTheDumpsOwnMetadata(@TempDir Path tmp) throws Exception {
    wire.clear();
    try (DumpStore store =
        DumpStore.create(viaWire().withChecksumCopyLimit(S3Settings.MAX_COPY_SIZE))) {
      StoredDump stored =
          store.upload(key("copied"), TestStreams.random(7, PART + 1000), DumpMetadata.unknown());
      assertThat(
              store
                  .client()
                  .headObject(b -> b.bucket(s3.bucket()).key(stored.objectKey()))
                  .metadata())
          .containsEntry("heapfleet-sha256", stored.sha256())
          .containsEntry("heapfleet-size", Long.toString(PART + 1000));
      assertThat(wire.lines())
          .anyMatch(l -> l.equalsIgnoreCase("x-amz-metadata-directive: REPLACE"));
      assertThat(
              store
                  .client()
                  .listObjectsV2(b -> b.bucket(s3.bucket()).prefix(stored.objectKey()))
                  .contents())
          .singleElement(); // no sidecar
      assertThat(store.download(store.series("copied").get(0), tmp).verified()).isTrue();
    }
  }

  @Test
  void multipartDumpsGetAChecksumSidecarByDefault(@TempDir Path tmp) throws Exception {
    // The default: multipart dumps are not copied, their checksum goes to a sidecar.
    assertThat(S3Settings.of("b").checksumCopyLimit()).isZero();
    try (DumpStore store = DumpStore.create(viaWire().withChecksumCopyLimit(0))) {
      StoredDump stored =
          store.upload(key("huge"), TestStreams.random(4, PART + 1000), DumpMetadata.unknown());
      assertThat(store.series("huge").get(0).sha256()).isEqualTo(stored.sha256());
      assertThat(
              store
                  .client()
                  .headObject(b -> b.bucket(s3.bucket()).key(stored.objectKey()))
                  .metadata())
          .doesNotContainKey("heapfleet-sha256")
          .containsKey("heapfleet-task");
      assertThat(store.download(store.series("huge").get(0), tmp).verified()).isTrue();
      assertThat(
              store.applyRetention(
                  "huge", RetentionPolicy.maxAgeDays(1), T0.plusSeconds(3 * 86400)))
          .hasSize(1);
      assertThat(
              store
                  .client()
                  .listObjectsV2(
                      b -> b.bucket(s3.bucket()).prefix(store.settings().prefix() + "/c/"))
                  .keyCount())
          .isZero();
    }
  }

  @Test
  void filesystemStoreKeepsDumpsAcrossRestarts(@TempDir Path dir) throws Exception {
    String sha;
    try (EmbeddedS3 fs = EmbeddedS3.filesystem(dir, "persist");
        DumpStore store = DumpStore.create(fs.settings())) {
      sha = store.upload(key("kept"), TestStreams.random(5, 2000), DumpMetadata.unknown()).sha256();
    }
    try (EmbeddedS3 fs = EmbeddedS3.filesystem(dir, "persist");
        DumpStore store = DumpStore.create(fs.settings())) {
      assertThat(store.series("kept"))
          .singleElement()
          .extracting(StoredDump::sha256)
          .isEqualTo(sha);
    }
  }

  /** The value of {@code header} in the first request whose request line contains both parts. */
  private static String headerOf(List<String> lines, String method, String marker, String header) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(method) && lines.get(i).contains(marker)) {
        for (int j = i + 1;
            j < lines.size() && !lines.get(j).matches("^(GET|PUT|POST|HEAD|DELETE) .*");
            j++) {
          if (lines.get(j).toLowerCase(java.util.Locale.ROOT).startsWith(header + ":")) {
            return lines.get(j).substring(header.length() + 1).strip();
          }
        }
      }
    }
    return null;
  }

  private static boolean requestsFollowedBySse(List<String> lines, String method, String marker) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(method) && lines.get(i).contains(marker)) {
        for (int j = i + 1;
            j < lines.size() && !lines.get(j).matches("^(GET|PUT|POST|HEAD|DELETE) .*");
            j++) {
          if (lines.get(j).equalsIgnoreCase("x-amz-server-side-encryption: AES256")) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
