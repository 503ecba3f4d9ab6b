package io.heapfleet.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.histogram.ClassHistograms;
import io.heapfleet.analysis.json.AnalysisJson;
import io.heapfleet.cli.CliRunAccess;
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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code heapfleet report} on real dumps: a separate small JVM leaks {@code LeakedOrder}s and dumps
 * its own heap three times; the report must name that class with its measured growth, list the
 * snapshots, and leave out what was not measured.
 */
class ReportCommandTest {
  static final String LEAKED = LeakingJvm.LeakedOrder.class.getName();
  static final String TASK = "fixture-7";

  @TempDir static Path dir;
  static List<Path> dumps = new ArrayList<>();

  @BeforeAll
  static void dumpALeakingJvm() throws Exception {
    dumps.addAll(LeakingJvm.dumpInChild(dir, TASK, 3, 3000));
    assertThat(dumps).hasSize(3).allSatisfy(d -> assertThat(d).isRegularFile());
  }

  @Test
  void reportFromDumpFilesNamesTheGrowingClassWithMeasuredGrowth() {
    List<String> args = new ArrayList<>(List.of("report"));
    // Any order: the report sorts by the dumps' own timestamps.
    args.add(dumps.get(2).toString());
    args.add(dumps.get(0).toString());
    args.add(dumps.get(1).toString());
    CliRunAccess.Result r = CliRunAccess.run(args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.toString()).isZero();
    String md = r.out();
    assertThat(md)
        .startsWith("# Memory Leak Investigation Report")
        .contains("**Task**: `" + TASK + "`")
        .contains("## Executive Summary")
        .containsPattern("\\+[0-9.,]+ (B|KiB|MiB|GiB)/h")
        .contains("### 1. Heap Snapshots Collected")
        .contains("| 3 | ")
        .contains("**Objects growing between snapshots**")
        .contains("**Top memory consumers**")
        .contains("## Reproduction")
        .contains("heapfleet diff " + dumps.get(0) + " " + dumps.get(2));
    // 2 x 3000 orders added between the first and last dump.
    String row = line(md, "| `" + LEAKED + "`");
    assertThat(row).contains("+6,000");
    String byteRow = line(md, "| `byte[]`");
    assertThat(byteRow).startsWith("| `byte[]` | +");
    // Who holds it, from the newest dump's object graph.
    assertThat(md)
        .contains("### 3. Retainer Path Analysis")
        .contains("**Leaked Object**: `" + LEAKED + "`")
        .contains(
            "static "
                + LeakingJvm.class.getName()
                + ".ORDERS\n  → java.util.ArrayList.elementData");
    // Nothing that was not measured: no template placeholders.
    assertThat(md).doesNotContain("[Service Name]").doesNotContain("X MB").doesNotContain("TODO");
  }

  @Test
  void reportFromOneDumpHasNoGrowthSections() {
    CliRunAccess.Result r = CliRunAccess.run("report", dumps.get(0).toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("### 1. Heap Snapshots Collected")
        .contains("**Top memory consumers**")
        .doesNotContain("Objects growing")
        .doesNotContainPattern("[0-9] (B|KiB|MiB|GiB)/h")
        .doesNotContain("Retainer Path")
        .doesNotContain("**Assessment**");
  }

  @Test
  void reportFromStoredSeriesUsesTheSummariesAndWritesTheFile() throws Exception {
    Path store = dir.resolve("s3");
    TaskRef task = new TaskRef("demo", "orders", TASK);
    try (EmbeddedS3 s3 = EmbeddedS3.filesystem(store, EmbeddedS3.DEFAULT_BUCKET);
        DumpStore ds =
            DumpStore.create(s3.settings().withPrefix("heapdumps").withPathStyle(true))) {
      for (Path d : dumps) {
        var h = ClassHistograms.of(d);
        DumpKey key = new DumpKey(task, h.timestamp(), DumpFormat.RAW);
        try (InputStream in = Files.newInputStream(d)) {
          ds.upload(key, in, DumpMetadata.unknown());
        }
        ds.putSummary(key, AnalysisJson.histogramToString(h));
      }
    }
    Path out = dir.resolve("reports/leak.md");
    CliRunAccess.Result r =
        CliRunAccess.run(
            "report", "--task", TASK, "--local", store.toString(), "-o", out.toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.err()).contains("report written to " + out);
    String md = Files.readString(out);
    assertThat(md)
        .contains("**Service**: orders")
        .contains("**Cluster**: demo")
        .contains("s3://heapfleet/heapdumps/demo/orders/" + TASK + "/")
        .contains("heapfleet report --task " + TASK + " --local " + store)
        .contains("static " + LeakingJvm.class.getName() + ".ORDERS");
    assertThat(line(md, "| `" + LEAKED + "`")).contains("+6,000");
    assertThat(dir.resolve("reports")).isDirectoryNotContaining("glob:**.tmp");
  }

  @Test
  void unknownTaskIsBadInput() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty-s3"));
    CliRunAccess.Result r =
        CliRunAccess.run("report", "--task", "nope", "--local", empty.toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("no dumps of task 'nope'");
  }

  @Test
  void taskAndFilesTogetherAreBadInput() {
    CliRunAccess.Result r = CliRunAccess.run("report", "--task", "x", dumps.get(0).toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("either --task ID or dump files");
  }

  @Test
  void missingDumpFileIsBadInput() {
    CliRunAccess.Result r = CliRunAccess.run("report", dir.resolve("missing.hprof").toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("no such dump file");
  }

  private static String line(String md, String prefix) {
    return md.lines()
        .filter(l -> l.startsWith(prefix))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line starting with " + prefix + " in\n" + md));
  }
}
