package io.heapfleet.analysis.diff;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.histogram.ClassStats;
import io.heapfleet.analysis.histogram.SizeModel;
import io.heapfleet.analysis.json.AnalysisJson;
import io.heapfleet.analysis.report.Markdown;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistogramDiffTest {
  static ClassHistogram h(String at, ClassStats... entries) {
    long i = 0;
    long b = 0;
    for (ClassStats e : entries) {
      i += e.instances();
      b += e.shallowBytes();
    }
    return new ClassHistogram(
        Instant.parse(at),
        8,
        i,
        b,
        entries.length,
        List.of(entries),
        List.of(),
        SizeModel.COMPRESSED_OOPS);
  }

  @Test
  void biggestByteGrowthFirstWithAppearedAndDisappeared() {
    ClassHistogram base =
        h(
            "2026-11-22T01:00:00Z",
            new ClassStats("byte[]", 100, 10_000),
            new ClassStats("com.acme.Cache$Entry", 10, 240),
            new ClassStats("com.acme.Gone", 5, 80));
    ClassHistogram current =
        h(
            "2026-11-22T01:30:00Z",
            new ClassStats("byte[]", 90, 9_000),
            new ClassStats("com.acme.Cache$Entry", 1010, 24_240),
            new ClassStats("com.acme.New", 1, 16));
    DiffResult d = HistogramDiff.between(base, current);
    assertThat(d.classes())
        .extracting(ClassDelta::className)
        .containsExactly("com.acme.Cache$Entry", "com.acme.New", "com.acme.Gone", "byte[]");
    assertThat(d.classes().get(0).instancesDelta()).isEqualTo(1000);
    assertThat(d.classes().get(0).bytesDelta()).isEqualTo(24_000);
    assertThat(d.appeared()).containsExactly("com.acme.New");
    assertThat(d.disappeared()).containsExactly("com.acme.Gone");
    assertThat(d.bytesDelta()).isEqualTo(33_256 - 10_320);
    assertThat(AnalysisJson.diffToString(d))
        .contains(
            "\"class\": \"com.acme.Cache$Entry\",\n"
                + "      \"baseInstances\": 10,\n"
                + "      \"currentInstances\": 1010,\n"
                + "      \"instancesDelta\": 1000,\n"
                + "      \"baseBytes\": 240,\n"
                + "      \"currentBytes\": 24240,\n"
                + "      \"bytesDelta\": 24000");
    assertThat(Markdown.diff(d, 10))
        .contains("| `com.acme.Cache$Entry` | 1,010 | +1,000 | 23.7 KiB | +23.4 KiB |")
        .contains("30 min");
  }

  @Test
  void classesOutsideATopNAreNotCalledDisappeared() {
    ClassHistogram base = h("2026-11-22T01:00:00Z", new ClassStats("A", 1, 16));
    ClassHistogram current =
        new ClassHistogram(
            Instant.parse("2026-11-22T02:00:00Z"),
            8,
            5,
            80,
            7,
            List.of(new ClassStats("B", 5, 80)),
            List.of(),
            SizeModel.COMPRESSED_OOPS);
    assertThat(HistogramDiff.between(base, current).disappeared()).isEmpty();
  }
}
