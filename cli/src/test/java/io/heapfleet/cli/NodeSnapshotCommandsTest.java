package io.heapfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.storage.DumpFormat;
import io.heapfleet.storage.DumpKey;
import io.heapfleet.storage.DumpMetadata;
import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.EmbeddedS3;
import io.heapfleet.testsupport.ChildProcess;
import io.heapfleet.testsupport.NodeRuntime;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * histo, diff, trend (with --deep) and retainers on V8 heap snapshots that a real Node.js process
 * writes while a memoized function caches every key it is given (5,000 new {@code Quote}s before
 * each of 4 snapshots). Skipped, saying why, where Node.js is not installed.
 */
class NodeSnapshotCommandsTest {
  private static final String LEAK =
      String.join(
          "\n",
          "const v8 = require('v8'); const dir = process.argv[1];",
          "class Quote { constructor(key) { this.key = key; this.total = key.length; } }",
          "function memoize(fn) { const cache = new Map();",
          "  return function memoized(k) { if (!cache.has(k)) cache.set(k, fn(k));"
              + " return cache.get(k); }; }",
          "const quote = memoize((k) => new Quote(k));",
          "for (let s = 0; s < 4; s++) {",
          "  for (let i = 0; i < 5000; i++) quote('cart-' + s + '-' + i);",
          "  v8.writeHeapSnapshot(dir + '/web-' + s + '.heapsnapshot');",
          "}");

  @TempDir static Path dir;
  static Path[] snapshots = new Path[4];

  @BeforeAll
  static void takeSnapshots() throws Exception {
    ChildProcess.command(List.of(NodeRuntime.require().toString(), "-e", LEAK, dir.toString()))
        .name("node")
        .logTo(dir.resolve("node.log"))
        .run(Duration.ofSeconds(180));
    for (int i = 0; i < 4; i++) {
      snapshots[i] = dir.resolve("web-" + i + ".heapsnapshot");
    }
  }

  @Test
  void histoShowsConstructorsAndV8Groups() throws Exception {
    Path gz = dir.resolve("web-1.heapsnapshot.gz");
    try (InputStream in = Files.newInputStream(snapshots[1]);
        OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      in.transferTo(out);
    }
    CliRun run = CliRun.run("histo", gz.toString(), "--top", "0");
    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.out)
        .contains("V8 heap snapshot, Node.js")
        .containsPattern("10,000 +\\S+ +\\S+ +\\S+ +Quote")
        .contains("(string)")
        .contains("(closure)");

    CliRun json = CliRun.run("histo", snapshots[1].toString(), "--format", "json");
    assertThat(json.out).contains("\"runtime\": \"node\"").contains("\"class\": \"Quote\"");
  }

  @Test
  void diffAndTrendSeeTheMemoizeLeakAndItsOwner() {
    CliRun diff = CliRun.run("diff", snapshots[0].toString(), snapshots[1].toString());
    assertThat(diff.exitCode).as(diff.toString()).isZero();
    assertThat(diff.out).containsPattern("\\+5,000 .*Quote");

    String[] args = new String[] {"trend"};
    for (Path s : snapshots) {
      args = Arrays.copyOf(args, args.length + 1);
      args[args.length - 1] = s.toString();
    }
    args = Arrays.copyOf(args, args.length + 1);
    args[args.length - 1] = "--deep";
    CliRun trend = CliRun.run(args);
    assertThat(trend.exitCode).as(trend.toString()).isZero();
    assertThat(trend.out)
        .startsWith("LEAKING: Map held by closure memoized (context variable cache)")
        .contains("Next: heapfleet retainers " + snapshots[3] + " --class 'Map'");
  }

  @Test
  void retainersNameTheMapInTheMemoizedClosure() {
    CliRun run = CliRun.run("retainers", snapshots[3].toString(), "--class", "Quote");
    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.out)
        .contains("Quote: 20000 instances")
        .contains("held by Map held by closure memoized (context variable cache)")
        .contains("→ Quote");
  }

  @Test
  void reportOverADirectoryOfSnapshotsNamesTheLeakAndItsOwner() throws Exception {
    Path series = Files.createDirectories(dir.resolve("report-dir"));
    for (int i = 0; i < 4; i++) {
      // heapfleet's names carry the time; gzip as the collector stores them
      Path gz = series.resolve("web-1-20261122T01" + (10 + i) + "00Z.heapsnapshot.gz");
      try (InputStream in = Files.newInputStream(snapshots[i]);
          OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
        in.transferTo(out);
      }
    }
    Files.writeString(series.resolve("notes.txt"), "not a dump");

    CliRun run = CliRun.run("report", series.toString());

    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.out)
        .contains("web-1")
        .contains("Quote")
        .contains("Map held by closure memoized (context variable cache)")
        .doesNotContain("notes.txt");
    CliRun empty = CliRun.run("report", Files.createDirectories(dir.resolve("empty")).toString());
    assertThat(empty.exitCode).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(empty.err).contains("no dump files");
  }

  @Test
  void downloadAndReportTakeANodeTasksSnapshotsFromTheStore() throws Exception {
    Path local = dir.resolve("store");
    Instant t0 = Instant.parse("2026-11-22T01:00:00Z");
    try (EmbeddedS3 s3 = EmbeddedS3.filesystem(local, EmbeddedS3.DEFAULT_BUCKET);
        DumpStore store = DumpStore.create(s3.settings().withPrefix(S3Options.DEFAULT_PREFIX))) {
      for (int i = 0; i < 4; i++) {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(gz)) {
          Files.copy(snapshots[i], out);
        }
        // no summary beside them: report must read the snapshots themselves
        store.upload(
            DumpKey.of(
                "prod", "web", "node-1", t0.plusSeconds(1800L * i), DumpFormat.SNAPSHOT_GZIP),
            new ByteArrayInputStream(gz.toByteArray()),
            DumpMetadata.unknown());
      }
    }
    Path out = dir.resolve("downloads");

    CliRun download =
        CliRun.run(
            "download", "--task", "node-1", "--local", local.toString(), "-o", out.toString());

    assertThat(download.exitCode).as(download.toString()).isZero();
    Path last = out.resolve("node-1-20261122T023000Z.heapsnapshot.gz").toAbsolutePath();
    assertThat(download.out).contains(last.toString()).contains("Chrome DevTools");
    CliRun histo = CliRun.run("histo", last.toString(), "--top", "0");
    assertThat(histo.out).containsPattern("20,000 +\\S+ +\\S+ +\\S+ +Quote");

    CliRun report = CliRun.run("report", "--task", "node-1", "--local", local.toString());

    assertThat(report.exitCode).as(report.toString()).isZero();
    assertThat(report.out)
        .contains("node-1")
        .contains("Quote")
        .contains("Map held by closure memoized (context variable cache)");
  }

  @Test
  void truncatedSnapshotIsBadInputWithTheOffset() throws Exception {
    byte[] bytes = Files.readAllBytes(snapshots[0]);
    Path cut = dir.resolve("cut.heapsnapshot");
    Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
    CliRun run = CliRun.run("histo", cut.toString());
    assertThat(run.exitCode).as(run.toString()).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(run.err).contains(cut.toString()).containsPattern("\\(at offset \\d+\\)");
    CliRun report = CliRun.run("report", cut.toString(), snapshots[1].toString());
    assertThat(report.exitCode).as(report.toString()).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(report.err).contains(cut.toString()).containsPattern("\\(at offset \\d+\\)");
    CliRun deep = CliRun.run("retainers", cut.toString(), "--class", "Quote");
    assertThat(deep.exitCode).as(deep.toString()).isEqualTo(ExitCode.BAD_INPUT);
    // Where the cut lands decides the message: the end of the input, or a number cut short that
    // no longer indexes a node; either way it names the offset.
    assertThat(deep.err)
        .contains(cut.toString())
        .containsPattern("(Unexpected end of input|points to node index).*\\(at offset \\d+\\)");
  }

  @Test
  void aNodeSnapshotAndAJvmHistogramAreNotTrendedTogether() throws Exception {
    Path jvm = dir.resolve("jvm.json");
    Files.writeString(
        jvm,
        "{\"dump\":{\"timestamp\":\"2026-11-22T03:17:17.238Z\",\"idSize\":8,\"instances\":1,"
            + "\"shallowBytes\":16,\"classes\":1},"
            + "\"classes\":[{\"class\":\"java.lang.Object\",\"instances\":1,\"shallowBytes\":16}]}");
    CliRun run = CliRun.run("diff", jvm.toString(), snapshots[0].toString());
    assertThat(run.exitCode).as(run.toString()).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(run.err).contains("is a JVM heap dump but").contains("Node.js heap snapshot");
  }
}
