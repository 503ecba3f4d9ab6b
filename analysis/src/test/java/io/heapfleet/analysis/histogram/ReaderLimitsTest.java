package io.heapfleet.analysis.histogram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heapfleet.analysis.hprof.HprofBombs;
import io.heapfleet.analysis.hprof.HprofFormatException;
import io.heapfleet.analysis.hprof.HprofInput;
import io.heapfleet.analysis.hprof.HprofLimitException;
import io.heapfleet.analysis.hprof.HprofLimitException.Limit;
import io.heapfleet.analysis.hprof.HprofLimits;
import io.heapfleet.analysis.internal.graph.ArrayAllocator;
import io.heapfleet.analysis.internal.graph.HprofGraphLoader;
import io.heapfleet.testsupport.hprof.HprofType;
import io.heapfleet.testsupport.hprof.HprofWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader limits on hostile dumps: the same limit, with the same message, on every path (the
 * fast scanner of plain files, the general stream reader, the parallel reader).
 */
class ReaderLimitsTest {

  @Test
  void stringBombStopsAtTheFirstStringLongerThanAnyJvmSymbol(@TempDir Path dir) throws IOException {
    Path bomb = dir.resolve("string-bomb.hprof.gz");
    HprofBombs.gzipStringBomb(bomb, 40, 16 * 1024 * 1024);
    assertThat(Files.size(bomb)).isLessThan(1024 * 1024); // ~650 KB for 640 MiB of strings

    assertThatThrownBy(() -> ClassHistograms.of(bomb))
        .isInstanceOfSatisfying(
            HprofLimitException.class, e -> assertThat(e.limit()).isEqualTo(Limit.STRING_LENGTH))
        .hasMessageContaining("STRING record of 16777216 bytes exceeds the limit of 65535 bytes");
  }

  @Test
  void oversizedStringIsRefusedAlikeByTheFastAndTheGeneralReader(@TempDir Path dir)
      throws IOException {
    Path plain = dir.resolve("one-long-string.hprof");
    try (OutputStream out = Files.newOutputStream(plain)) {
      HprofBombs.writeStringFlood(out, 1, HprofLimits.JVM_MAX_SYMBOL_BYTES + 1);
    }
    String expected = "STRING record of 65536 bytes exceeds the limit of 65535 bytes";
    assertThatThrownBy(() -> ClassHistograms.of(plain))
        .isInstanceOf(HprofLimitException.class)
        .hasMessageContaining(expected);
    assertThatThrownBy(() -> ClassHistograms.viaListener(plain, 1))
        .isInstanceOf(HprofLimitException.class)
        .hasMessageContaining(expected);
    assertThatThrownBy(() -> ClassHistograms.viaListener(plain, 2)) // ParallelHprofReader
        .isInstanceOf(HprofLimitException.class)
        .hasMessageContaining(expected);
    assertThatThrownBy(() -> ClassHistograms.parallel(plain, 2, 4096, false)) // reads, not maps
        .isInstanceOf(HprofLimitException.class)
        .hasMessageContaining(expected);
  }

  @Test
  void stringsOfTheJvmsMaximumLengthAreRead(@TempDir Path dir) throws IOException {
    Path plain = dir.resolve("longest-symbol.hprof");
    try (OutputStream out = Files.newOutputStream(plain)) {
      HprofBombs.writeStringFlood(out, 3, HprofLimits.JVM_MAX_SYMBOL_BYTES);
    }
    assertThat(ClassHistograms.of(plain).classes()).isZero();
    assertThat(ClassHistograms.viaListener(plain, 1).classes()).isZero();
  }

  @Test
  void stringBudgetCountsEveryStringKeptOnEveryPath(@TempDir Path dir) throws IOException {
    Path plain = dir.resolve("string-flood.hprof");
    try (OutputStream out = Files.newOutputStream(plain)) {
      HprofBombs.writeStringFlood(out, 100, 1000);
    }
    // 100 strings × (1000 + 64 overhead) = 106,400 bytes: over a 50,000-byte budget at the 47th.
    HprofLimits small = HprofLimits.DEFAULT.withStrings(65_535, 50_000);
    String expected = "over the string budget of 50000 bytes";
    assertThatThrownBy(() -> ClassHistograms.of(plain, small))
        .isInstanceOfSatisfying(
            HprofLimitException.class, e -> assertThat(e.limit()).isEqualTo(Limit.STRING_BUDGET))
        .hasMessageContaining(expected);
    assertThatThrownBy(
            () -> {
              try (InputStream in = Files.newInputStream(plain)) {
                ClassHistograms.of(in, small);
              }
            })
        .isInstanceOf(HprofLimitException.class)
        .hasMessageContaining(expected);
    // Within the default budget the same file is fine.
    assertThat(ClassHistograms.of(plain).instances()).isZero();
  }

  @Test
  void classCapHoldsOnEveryPath(@TempDir Path dir) throws IOException {
    HprofWriter w = new HprofWriter(8);
    long object = w.defineClass("java/lang/Object", 0, 0);
    for (int i = 0; i < 20; i++) {
      w.instance(w.defineClass("com/acme/C" + i, object, 0));
    }
    Path plain = dir.resolve("classes.hprof");
    Files.write(plain, w.build());
    HprofLimits ten = HprofLimits.DEFAULT.withMaxClasses(10);
    String expected = "the dump names more than 10 classes (the class limit)";
    assertThatThrownBy(() -> ClassHistograms.of(plain, ten))
        .isInstanceOfSatisfying(
            HprofLimitException.class, e -> assertThat(e.limit()).isEqualTo(Limit.CLASSES))
        .hasMessage(expected);
    assertThatThrownBy(() -> ClassHistograms.of(new ByteArrayInputStream(w.build()), ten))
        .isInstanceOf(HprofLimitException.class)
        .hasMessage(expected);
    assertThat(ClassHistograms.of(plain, HprofLimits.DEFAULT.withMaxClasses(21)).classes())
        .isEqualTo(21);
  }

  @Test
  void tenGigabyteGzipOfZerosEndsAtOnceWithAFormatError() throws IOException {
    long tenGb = 10L * 1000 * 1000 * 1000;
    try (InputStream bomb = HprofBombs.gzipZeroBomb(tenGb, false)) {
      assertThatThrownBy(() -> ClassHistograms.of(bomb))
          .isInstanceOf(HprofFormatException.class)
          .hasMessageContaining("Unknown record tag 0x00");
    }
    try (InputStream bomb = HprofBombs.gzipZeroBomb(tenGb, true)) {
      assertThatThrownBy(() -> ClassHistograms.of(bomb))
          .isInstanceOf(HprofFormatException.class)
          .hasMessageContaining("Unknown heap dump sub-record tag 0x00");
    }
  }

  @Test
  void inflationPastTheAnnouncedSizeIsRefusedAtTheRecordThatWouldCrossIt() throws IOException {
    try (InputStream bomb = HprofBombs.gzipZeroBomb(10L * 1000 * 1000 * 1000, true)) {
      HprofLimits announced = HprofLimits.DEFAULT.withMaxHprofBytes(1_000_000);
      assertThatThrownBy(() -> ClassHistograms.of(bomb, announced))
          .isInstanceOfSatisfying(
              HprofLimitException.class, e -> assertThat(e.limit()).isEqualTo(Limit.HPROF_BYTES))
          .hasMessageContaining("past the limit of 1000000 bytes of HPROF");
    }
  }

  @Test
  void superclassCycleIsAFormatErrorForTheGraph(@TempDir Path dir) throws IOException {
    HprofWriter w = new HprofWriter(8);
    long a = w.defineClass("com/acme/A", 0, 0, new HprofWriter.Field("x", HprofType.INT));
    long b = w.defineClass("com/acme/B", a, 0);
    w.instance(b, 1);
    byte[] bytes = w.build();
    // Make A's superclass B: the CLASS_DUMP of A is its id, a 0 stack serial and a 0 super id.
    ByteBuffer pattern = ByteBuffer.allocate(20).putLong(a).putInt(0).putLong(0);
    int at = indexOf(bytes, pattern.array());
    ByteBuffer.wrap(bytes).putLong(at + 12, b);
    Path dump = dir.resolve("cycle.hprof");
    Files.write(dump, bytes);

    assertThatThrownBy(() -> HprofGraphLoader.load(dump, ArrayAllocator.onHeap(), 1L << 26))
        .isInstanceOf(HprofFormatException.class)
        .hasMessageContaining("superclass cycle");
  }

  @Test
  void inputLimitsDefaultToTheDocumentedOnes() throws IOException {
    HprofWriter w = new HprofWriter(8);
    w.defineClass("java/lang/Object", 0, 0);
    try (HprofInput in = HprofInput.open(new ByteArrayInputStream(w.build()))) {
      assertThat(in.limits()).isEqualTo(HprofLimits.DEFAULT);
      assertThat(in.limits().maxStringBytes()).isEqualTo(65_535);
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("pattern not found");
  }
}
