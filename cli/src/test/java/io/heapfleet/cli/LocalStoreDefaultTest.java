package io.heapfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.histogram.ClassHistograms;
import io.heapfleet.analysis.json.AnalysisJson;
import io.heapfleet.cli.report.fixture.LeakingJvm;
import io.heapfleet.storage.DumpFormat;
import io.heapfleet.storage.DumpKey;
import io.heapfleet.storage.DumpMetadata;
import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.EmbeddedS3;
import io.heapfleet.storage.TaskRef;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --local} without a directory finds the store where {@code heapfleet demo} writes it (the
 * newest {@code <data dir>/demo-<time>/s3}), so {@code heapfleet report --task ID --local} works
 * right after a demo. Real dumps of a small leaking JVM in a real embedded S3 store.
 */
class LocalStoreDefaultTest {
  static final String TASK = "orders-1";

  @TempDir static Path dir;
  static Path dataDir;
  static Path newest;

  private Map<String, String> previousEnv;

  @BeforeAll
  static void demoRunsWithStoredDumps() throws Exception {
    Path dumps = Files.createDirectories(dir.resolve("dumps"));
    List<Path> files = LeakingJvm.dumpInChild(dumps, TASK, 3, 2000);
    dataDir = dir.resolve("data");
    // An older run with an empty store, and the newest one with the series (as the demo lays out).
    Files.createDirectories(dataDir.resolve("demo-20261122T010000Z/s3/heapfleet"));
    Files.createDirectories(dataDir.resolve("demo-20261122T020000Z/logs"));
    newest = dataDir.resolve("demo-20261122T020000Z/s3");
    TaskRef task = new TaskRef("demo", "orders", TASK);
    try (EmbeddedS3 s3 = EmbeddedS3.filesystem(newest, EmbeddedS3.DEFAULT_BUCKET);
        DumpStore ds =
            DumpStore.create(s3.settings().withPrefix("heapdumps").withPathStyle(true))) {
      for (Path d : files) {
        var h = ClassHistograms.of(d);
        DumpKey key = new DumpKey(task, h.timestamp(), DumpFormat.RAW);
        try (InputStream in = Files.newInputStream(d)) {
          ds.upload(key, in, DumpMetadata.unknown());
        }
        ds.putSummary(key, AnalysisJson.histogramToString(h));
      }
    }
  }

  private void dataDirEnv(Path data) {
    previousEnv = CliEnvironment.replace(Map.of("HEAPFLEET_DATA_DIR", data.toString()));
  }

  @AfterEach
  void restoreEnv() {
    if (previousEnv != null) {
      CliEnvironment.replace(previousEnv);
    }
  }

  @Test
  void reportAndLsWithBareLocalUseTheNewestDemoRunsStore() throws Exception {
    dataDirEnv(dataDir);
    Path report = dir.resolve("leak.md");
    CliRun r = CliRun.run("report", "--task", TASK, "--local", "-o", report.toString());
    assertThat(r.exitCode).as(r.toString()).isZero();
    // The reproduce commands name the directory actually used, not the bare flag.
    assertThat(Files.readString(report))
        .contains("heapfleet report --task " + TASK + " --local " + newest)
        .contains(LeakingJvm.LeakedOrder.class.getName());

    CliRun ls = CliRun.run("ls", "--local");
    assertThat(ls.exitCode).as(ls.toString()).isZero();
    assertThat(ls.out).contains(TASK);
  }

  @Test
  void plainStoreInTheDataDirWinsAndAnExplicitDirIsKept() throws Exception {
    Path other = Files.createDirectories(dir.resolve("other/s3"));
    assertThat(S3Options.defaultLocalStore(dir.resolve("other"))).isEqualTo(other);
    assertThat(S3Options.defaultLocalStore(dataDir)).isEqualTo(newest);

    dataDirEnv(dir.resolve("other"));
    CliRun explicit = CliRun.run("ls", "--local", newest.toString());
    assertThat(explicit.exitCode).as(explicit.toString()).isZero();
    assertThat(explicit.out).contains(TASK);
  }

  @Test
  void noStoreAnywhereIsBadInputNamingWhereItLooked() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty-data"));
    dataDirEnv(empty);
    CliRun r = CliRun.run("report", "--task", TASK, "--local");
    assertThat(r.exitCode).as(r.toString()).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(r.err)
        .contains("no embedded store at " + empty.resolve("s3").toAbsolutePath())
        .contains("nor in a demo run under " + empty.toAbsolutePath());
  }
}
