package io.heapfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.storage.DumpFormat;
import io.heapfleet.storage.DumpKey;
import io.heapfleet.storage.DumpMetadata;
import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.EmbeddedS3;
import io.heapfleet.storage.StoredDump;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * {@code heapfleet download} and {@code ls} end to end: dumps stored through {@link DumpStore} in a
 * real S3Proxy (filesystem store), read back by the real command line in-process.
 */
class DownloadAndLsCommandTest {
  static final Instant T0 = Instant.parse("2026-11-22T01:00:00Z");

  @TempDir Path tmp;

  /**
   * Stores {@code count} dumps of task t-1 (30 min apart) in a local store; returns their bytes'
   * SHA-256.
   */
  List<String> seed(Path dir, int count) throws Exception {
    List<String> shas = new ArrayList<>();
    try (EmbeddedS3 s3 = EmbeddedS3.filesystem(dir, EmbeddedS3.DEFAULT_BUCKET);
        DumpStore store = DumpStore.create(s3.settings().withPrefix(S3Options.DEFAULT_PREFIX))) {
      for (int i = 0; i < count; i++) {
        byte[] bytes = new byte[20_000 + i];
        new Random(i).nextBytes(bytes);
        DumpKey key =
            DumpKey.of("prod", "orders", "t-1", T0.plusSeconds(1800L * i), DumpFormat.GZIP);
        StoredDump d =
            store.upload(
                key,
                new ByteArrayInputStream(bytes),
                new DumpMetadata("17.0.15", (100L + i) * 1024 * 1024, -1, null));
        shas.add(d.sha256());
      }
    }
    return shas;
  }

  static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  @Test
  void downloadLatestPairFromTheLocalStoreVerifiesAndPrintsPathsAndHint() throws Exception {
    Path store = tmp.resolve("s3");
    List<String> shas = seed(store, 3);
    Path out = tmp.resolve("out");

    CliRun r =
        CliRun.run("download", "--task", "t-1", "--local", store.toString(), "-o", out.toString());

    assertThat(r.exitCode).as(r.toString()).isZero();
    Path a = out.resolve("t-1-20261122T013000Z.hprof.gz").toAbsolutePath();
    Path b = out.resolve("t-1-20261122T020000Z.hprof.gz").toAbsolutePath();
    assertThat(r.out).startsWith(a + "\n" + b + "\n").contains("heapfleet diff " + a + " " + b);
    assertThat(sha256(a)).isEqualTo(shas.get(1));
    assertThat(sha256(b)).isEqualTo(shas.get(2));
    try (var files = Files.list(out)) {
      assertThat(files).hasSize(2); // no .part leftovers
    }
    assertThat(r.err).doesNotContain("#"); // not a terminal: no progress bar
  }

  @Test
  void firstLastAndAllChooseTheRightDumps() throws Exception {
    Path store = tmp.resolve("s3");
    seed(store, 4);

    CliRun fl =
        CliRun.run(
            "download",
            "--task",
            "t-1",
            "--pair",
            "first-last",
            "--local",
            store.toString(),
            "-o",
            tmp.resolve("fl").toString());
    CliRun all =
        CliRun.run(
            "download",
            "--task",
            "t-1",
            "--pair",
            "all",
            "--local",
            store.toString(),
            "-o",
            tmp.resolve("all").toString());

    assertThat(fl.exitCode).as(fl.toString()).isZero();
    assertThat(fl.out)
        .contains("t-1-20261122T010000Z.hprof.gz", "t-1-20261122T023000Z.hprof.gz")
        .doesNotContain("T013000Z");
    assertThat(all.exitCode).as(all.toString()).isZero();
    try (var files = Files.list(tmp.resolve("all"))) {
      assertThat(files).hasSize(4);
    }
    assertThat(all.out).contains("heapfleet trend");
    CliRun bad =
        CliRun.run("download", "--task", "t-1", "--pair", "middle", "--local", store.toString());
    assertThat(bad.exitCode).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(bad.err).contains("'middle' is not one of latest, first-last, all");
  }

  @Test
  void lsListsTasksAndASeriesWithHeapUsed() throws Exception {
    Path store = tmp.resolve("s3");
    seed(store, 2);

    CliRun tasks = CliRun.run("ls", "--local", store.toString());
    CliRun series = CliRun.run("ls", "--task", "t-1", "--local", store.toString());

    assertThat(tasks.exitCode).as(tasks.toString()).isZero();
    assertThat(tasks.out)
        .contains("TASK")
        .containsPattern("t-1\\s+prod\\s+orders\\s+2\\s+39\\.1 KiB\\s+2026-11-22 01:30:00Z");
    assertThat(series.exitCode).as(series.toString()).isZero();
    assertThat(series.out)
        .contains("task t-1  cluster prod  service orders  (2 dumps)")
        .containsPattern("2026-11-22 01:00:00Z\\s+19\\.5 KiB\\s+100\\.0 MiB")
        .containsPattern("2026-11-22 01:30:00Z\\s+19\\.5 KiB\\s+101\\.0 MiB")
        .contains("heapdumps/prod/orders/t-1/20261122T010000Z.hprof.gz");
  }

  @Test
  void endpointFromEnvironmentWithDefaultCredentialChainAndPresignedLinks() throws Exception {
    try (EmbeddedS3 s3 = EmbeddedS3.inMemory("fleet-dumps");
        DumpStore store = DumpStore.create(s3.settings().withPrefix("dumps"))) {
      StoredDump d =
          store.upload(
              DumpKey.of(null, null, "t-9", T0, DumpFormat.ZSTD),
              new ByteArrayInputStream("not really zstd".getBytes()),
              DumpMetadata.unknown());
      Map<String, String> env =
          Map.of(
              "HEAPFLEET_S3_BUCKET",
              "fleet-dumps",
              "HEAPFLEET_S3_PREFIX",
              "dumps",
              "HEAPFLEET_S3_ENDPOINT",
              s3.endpoint().toString(),
              "AWS_REGION",
              s3.region());
      Map<String, String> previous = CliEnvironment.replace(env);
      // The AWS default chain reads these system properties before env and profiles.
      System.setProperty("aws.accessKeyId", s3.accessKey());
      System.setProperty("aws.secretAccessKey", s3.secretKey());
      try {
        CliRun ls = CliRun.run("ls");
        CliRun presign = CliRun.run("download", "--task", "t-9", "--presign", "10m");
        CliRun wrongBucket = CliRun.run("ls", "--bucket", "no-such-bucket");
        CliRun unknownTask = CliRun.run("download", "--task", "nope");

        assertThat(ls.exitCode).as(ls.toString()).isZero();
        assertThat(ls.out).containsPattern("t-9\\s+-\\s+-\\s+1");
        assertThat(presign.exitCode).as(presign.toString()).isZero();
        assertThat(presign.err).contains("only one dump");
        HttpResponse<String> got =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create(presign.out.strip())).build(),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.body()).isEqualTo("not really zstd");
        assertThat(d.objectKey()).isEqualTo("dumps/_/_/t-9/20261122T010000Z.hprof.zst");
        assertThat(wrongBucket.exitCode).isEqualTo(ExitCode.FAILURE);
        assertThat(wrongBucket.err).contains("S3 bucket 'no-such-bucket' does not exist");
        assertThat(unknownTask.exitCode).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(unknownTask.err).contains("no dumps for task 'nope' in s3://fleet-dumps/dumps");
      } finally {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        CliEnvironment.replace(previous);
      }
    }
  }

  @Test
  void corruptedDumpFailsWithChecksumErrorAndLeavesNoFile() throws Exception {
    Path store = tmp.resolve("s3");
    seed(store, 1);
    try (EmbeddedS3 s3 = EmbeddedS3.filesystem(store, EmbeddedS3.DEFAULT_BUCKET);
        DumpStore ds = DumpStore.create(s3.settings().withPrefix(S3Options.DEFAULT_PREFIX))) {
      StoredDump d = ds.series("t-1").get(0);
      var head = ds.client().headObject(b -> b.bucket(s3.bucket()).key(d.objectKey()));
      ds.client()
          .putObject(
              b -> b.bucket(s3.bucket()).key(d.objectKey()).metadata(head.metadata()),
              RequestBody.fromString("flipped bits"));
    }
    Path out = tmp.resolve("out");

    CliRun r =
        CliRun.run("download", "--task", "t-1", "--local", store.toString(), "-o", out.toString());

    assertThat(r.exitCode).isEqualTo(ExitCode.FAILURE);
    assertThat(r.err).contains("checksum mismatch").contains("partial file was removed");
    try (var files = Files.list(out)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void missingConfigurationIsBadInput() {
    Map<String, String> previous = CliEnvironment.replace(Map.of());
    try {
      CliRun r = CliRun.run("ls");
      assertThat(r.exitCode).isEqualTo(ExitCode.BAD_INPUT);
      assertThat(r.err).contains("no S3 bucket: give --bucket or set HEAPFLEET_S3_BUCKET");
      CliRun presignLocal = CliRun.run("download", "--task", "t", "--local", "--presign", "1h");
      assertThat(presignLocal.exitCode).isEqualTo(ExitCode.BAD_INPUT);
      assertThat(presignLocal.err).contains("--presign does not work with --local");
      CliRun badDuration =
          CliRun.run("download", "--task", "t", "--bucket", "b", "--presign", "8d");
      assertThat(badDuration.exitCode).isEqualTo(ExitCode.BAD_INPUT);
      assertThat(badDuration.err).contains("--presign 8d: must be between 1s and 7d");
      CliRun local = CliRun.run("ls", "--local", tmp.resolve("nothing-here").toString());
      assertThat(local.exitCode).isEqualTo(ExitCode.BAD_INPUT);
      assertThat(local.err).contains("no embedded store at");
    } finally {
      CliEnvironment.replace(previous);
    }
  }
}
