package io.heapfleet.analysis.v8;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.histogram.ClassHistograms;
import io.heapfleet.analysis.histogram.ClassStats;
import io.heapfleet.analysis.histogram.HeapRuntime;
import io.heapfleet.analysis.histogram.SizeModel;
import io.heapfleet.analysis.json.AnalysisJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Histograms of snapshots written by real Node.js processes. */
class V8HistogramTest {
  @TempDir Path dir;

  @Test
  void processWithExactlyNFooInstancesYieldsNFoo() throws Exception {
    int n = 12_345;
    Path snapshot = NodeFixture.snapshots(dir, "oracle", 1, n).get(0);

    ClassHistogram h = ClassHistograms.of(snapshot);

    assertThat(h.runtime()).isEqualTo(HeapRuntime.NODE);
    assertThat(h.sizeModel()).isEqualTo(SizeModel.V8);
    ClassStats foo = h.get("Foo").orElseThrow();
    assertThat(foo.instances()).isEqualTo(n);
    assertThat(foo.shallowBytes()).isPositive();
    // V8's own groups, named as DevTools' Summary names them
    assertThat(h.entries())
        .extracting(ClassStats::className)
        .contains("(string)", "(closure)", "(array)", "(compiled code)", "(system)", "Object");
    assertThat(h.entries()).extracting(ClassStats::className).doesNotContain("hidden", "closure");
    // totals are the sums of the lines
    assertThat(h.entries().stream().mapToLong(ClassStats::instances).sum())
        .isEqualTo(h.instances());
    assertThat(h.entries().stream().mapToLong(ClassStats::shallowBytes).sum())
        .isEqualTo(h.shallowBytes());
    assertThat(h.classes()).isEqualTo(h.entries().size());
  }

  @Test
  void gzipSnapshotGivesTheSameHistogramAsThePlainFile() throws Exception {
    Path plain = NodeFixture.snapshots(dir, "oracle", 1, 3_000).get(0);
    Path gz = dir.resolve("oracle.heapsnapshot.gz");
    try (InputStream in = Files.newInputStream(plain);
        OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      in.transferTo(out);
    }
    Files.setLastModifiedTime(gz, Files.getLastModifiedTime(plain));

    assertThat(HeapSnapshots.isHeapSnapshot(gz)).isTrue();
    assertThat(ClassHistograms.of(gz)).isEqualTo(ClassHistograms.of(plain));
    assertThat(ClassHistograms.of(gz).get("Foo").orElseThrow().instances()).isEqualTo(3_000);
  }

  @Test
  void histogramJsonRoundTripsWithTheNodeRuntime() throws Exception {
    Path snapshot = NodeFixture.snapshots(dir, "oracle", 1, 10).get(0);
    ClassHistogram h = ClassHistograms.of(snapshot);

    String json = AnalysisJson.histogramToString(h);

    assertThat(json).contains("\"runtime\": \"node\"").contains("\"sizeModel\": \"v8-self-size\"");
    assertThat(AnalysisJson.readHistogram(json)).isEqualTo(h);
  }

  @Test
  void jvmHistogramJsonWithoutRuntimeReadsAsJvm() throws Exception {
    String json =
        "{\"dump\":{\"timestamp\":\"2026-11-22T03:17:17.238Z\",\"idSize\":8,\"instances\":1,"
            + "\"shallowBytes\":16,\"classes\":1},"
            + "\"classes\":[{\"class\":\"java.lang.Object\",\"instances\":1,\"shallowBytes\":16}]}";
    ClassHistogram h = AnalysisJson.readHistogram(json);
    assertThat(h.runtime()).isEqualTo(HeapRuntime.JVM);
    assertThat(AnalysisJson.histogramToString(h)).contains("\"runtime\": \"jvm\"");
  }

  @Test
  void timestampComesFromTheStampInTheNameElseTheFileTime() throws Exception {
    Path named = dir.resolve("web-1-20261122T013000Z.heapsnapshot.gz");
    Path plain = dir.resolve("Heap.heapsnapshot");
    Files.writeString(named, "");
    Files.writeString(plain, "");
    Instant t = Instant.parse("2026-11-20T10:00:00Z");
    Files.setLastModifiedTime(plain, FileTime.from(t));

    assertThat(HeapSnapshots.timestampOf(named)).isEqualTo(Instant.parse("2026-11-22T01:30:00Z"));
    assertThat(HeapSnapshots.timestampOf(plain)).isEqualTo(t);
  }

  @Test
  void hprofAndHistogramJsonAreNotTakenForSnapshots() throws IOException {
    Path json = dir.resolve("summary.json");
    Files.writeString(json, "{\"dump\":{}}");
    Path hprof = dir.resolve("x.hprof");
    Files.write(hprof, "JAVA PROFILE 1.0.2\0".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Path snapshot = dir.resolve("s.heapsnapshot");
    Files.writeString(snapshot, " \n{ \"snapshot\" : {}}");

    assertThat(HeapSnapshots.isHeapSnapshot(json)).isFalse();
    assertThat(HeapSnapshots.isHeapSnapshot(hprof)).isFalse();
    assertThat(HeapSnapshots.isHeapSnapshot(snapshot)).isTrue();
    assertThat(List.of(json, hprof)).allSatisfy(p -> assertThat(Files.exists(p)).isTrue());
  }
}
