package io.heapfleet.analysis.histogram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heapfleet.analysis.hprof.Compression;
import io.heapfleet.analysis.hprof.HprofFormatException;
import io.heapfleet.analysis.hprof.SyntheticDumps;
import io.heapfleet.analysis.json.AnalysisJson;
import io.heapfleet.testsupport.hprof.HprofType;
import io.heapfleet.testsupport.hprof.HprofWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SyntheticHistogramTest {

  @ParameterizedTest
  @ValueSource(ints = {4, 8})
  void countsInstancesAndArraysWithJavaNames(int idSize) throws IOException {
    byte[] dump = SyntheticDumps.everyRecordType(idSize).bytes();
    ClassHistogram h = ClassHistograms.of(new ByteArrayInputStream(dump));
    assertThat(h.idSize()).isEqualTo(idSize);
    assertThat(h.get("com.acme.Cache$Entry")).get().extracting(ClassStats::instances).isEqualTo(2L);
    assertThat(h.get("java.lang.Object[]")).get().extracting(ClassStats::instances).isEqualTo(1L);
    assertThat(h.get("byte[]")).get().extracting(ClassStats::instances).isEqualTo(1L);
    assertThat(h.get("boolean[]")).isPresent();
    assertThat(h.get("java.lang.Class")).get().extracting(ClassStats::instances).isEqualTo(5L);
    if (idSize == 8) {
      assertThat(h.sizeModel()).isEqualTo(SizeModel.COMPRESSED_OOPS);
      // header 12 + ref 4 + long 8 + boolean 1 + char 2 = 27 -> 32
      assertThat(h.get("com.acme.Cache$Entry").get().shallowBytes()).isEqualTo(64);
      // 16 + 3 refs * 4 = 28 -> 32
      assertThat(h.get("java.lang.Object[]").get().shallowBytes()).isEqualTo(32);
      // 16 + 10 = 26 -> 32
      assertThat(h.get("byte[]").get().shallowBytes()).isEqualTo(32);
    } else {
      assertThat(h.sizeModel()).isEqualTo(SizeModel.BITS_32);
    }
    assertThat(h.instances())
        .isEqualTo(h.entries().stream().mapToLong(ClassStats::instances).sum());
    assertThat(h.entries().get(0).shallowBytes())
        .isGreaterThanOrEqualTo(h.entries().get(h.entries().size() - 1).shallowBytes());
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 8})
  void parallelReadOfSegmentsGivesTheSameHistogramAndTheSameErrors(int idSize, @TempDir Path dir)
      throws IOException {
    byte[] plain = SyntheticDumps.everyRecordType(idSize).bytes();
    Path file = dir.resolve("d.hprof");
    Files.write(file, plain);
    assertThat(ClassHistograms.parallel(file, 2))
        .isEqualTo(ClassHistograms.of(new ByteArrayInputStream(plain)));
    Files.write(file, java.util.Arrays.copyOf(plain, plain.length - 20));
    assertThatThrownBy(() -> ClassHistograms.parallel(file, 2))
        .isInstanceOf(HprofFormatException.class)
        .hasMessageContaining("offset");
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "chunked", "zstd"})
  void compressedInputGivesTheSameHistogram(String kind) throws IOException {
    byte[] plain = SyntheticDumps.everyRecordType(8).bytes();
    byte[] data =
        switch (kind) {
          case "gzip" -> Compression.gzip(plain);
          case "chunked" -> Compression.chunkedGzip(plain, 100);
          default -> Compression.zstd(plain);
        };
    assertThat(ClassHistograms.of(new ByteArrayInputStream(data)))
        .isEqualTo(ClassHistograms.of(new ByteArrayInputStream(plain)));
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 8})
  void sameNamedClassesFromTwoLoadersStayApartAndAreReported(int idSize) throws IOException {
    HprofWriter w = new HprofWriter(idSize);
    long object = w.defineClass("java/lang/Object", 0, 0);
    long a =
        w.defineClass("com/acme/Plugin", object, 0x1000, new HprofWriter.Field("x", HprofType.INT));
    long b =
        w.defineClass("com/acme/Plugin", object, 0x2000, new HprofWriter.Field("x", HprofType.INT));
    w.instance(a, 1);
    w.instance(b, 2);
    w.instance(b, 3);
    ClassHistogram h = ClassHistograms.of(new ByteArrayInputStream(w.build()));
    assertThat(h.duplicateClasses()).containsExactly("com.acme.Plugin");
    assertThat(h.get("com.acme.Plugin").get().instances()).isEqualTo(1);
    assertThat(h.get("com.acme.Plugin (loader #2)").get().instances()).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 8})
  void histogramJsonRoundTrips(int idSize) throws IOException {
    ClassHistogram h =
        ClassHistograms.of(
            new ByteArrayInputStream(SyntheticDumps.everyRecordType(idSize).bytes()));
    String json = AnalysisJson.histogramToString(h);
    assertThat(json)
        .contains("\"dump\": {")
        .contains("\"timestamp\": \"2026-11-22T01:00:00.123Z\"")
        .contains("\"class\": \"com.acme.Cache$Entry\"");
    ClassHistogram back =
        AnalysisJson.readHistogram(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    assertThat(back).isEqualTo(h);
  }
}
