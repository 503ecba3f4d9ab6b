package io.heapfleet.analysis.histogram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.heapfleet.analysis.hprof.Compression;
import io.heapfleet.analysis.hprof.HprofFormatException;
import io.heapfleet.analysis.hprof.HprofInput;
import io.heapfleet.analysis.hprof.SyntheticDumps;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast path for plain files ({@link FastHistogramScanner}) against the general stream reader:
 * same histogram, same failures, same error messages, on every truncation and on mutated dumps.
 * (The same comparison on real JVM dumps is in {@link JdkHistogramOracleTest}.)
 */
class FastHistogramScannerTest {
  @TempDir Path dir;

  /** What a read gives: the histogram, or the error message (which names offset and record). */
  private static Object outcome(IoCall call) {
    try {
      return call.run();
    } catch (HprofFormatException e) {
      return "HprofFormatException: " + e.getMessage();
    } catch (Throwable t) {
      return fail("unexpected " + t, t);
    }
  }

  private interface IoCall {
    Object run() throws IOException;
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 8})
  void everyTruncationFailsLikeTheStreamReaderWithTheSameMessage(int idSize) throws IOException {
    byte[] full = SyntheticDumps.everyRecordType(idSize).bytes();
    Path file = dir.resolve("cut.hprof");
    int errors = 0;
    for (int length = 32; length <= full.length; length++) {
      byte[] cut = Arrays.copyOf(full, length);
      Files.write(file, cut);
      Object general = outcome(() -> ClassHistograms.of(new ByteArrayInputStream(cut)));
      // A 64-byte buffer puts buffer ends inside nearly every record.
      assertThat(outcome(() -> ClassHistograms.parallel(file, 1, 64, true)))
          .as("cut to %d bytes, 64-byte buffer", length)
          .isEqualTo(general);
      if (length % 7 == 0) {
        assertThat(outcome(() -> ClassHistograms.parallel(file, 1, 4096, false)))
            .as("cut to %d bytes, 4 KB buffer", length)
            .isEqualTo(general);
      }
      if (general instanceof String) {
        errors++;
        assertThat((String) general).contains("offset");
      }
    }
    assertThat(errors).isEqualTo(full.length - 32); // only the complete dump reads
  }

  @Test
  void plainHeaderIsTheReadersHeaderAndNullForCompressedOrBrokenFiles() throws IOException {
    for (int idSize : new int[] {4, 8}) {
      byte[] plain = SyntheticDumps.everyRecordType(idSize).bytes();
      Path file = dir.resolve("h" + idSize + ".hprof");
      Files.write(file, plain);
      try (HprofInput input = HprofInput.open(file)) {
        assertThat(HprofInput.plainHeader(file)).isEqualTo(input.header());
      }
      Files.write(file, Compression.gzip(plain));
      assertThat(HprofInput.plainHeader(file)).isNull();
      byte[] badIdSize = plain.clone();
      badIdSize[22] = 7; // low byte of the id size after "JAVA PROFILE 1.0.2\0"
      Files.write(file, badIdSize);
      assertThat(HprofInput.plainHeader(file)).isNull();
      Files.write(file, Arrays.copyOf(plain, 25));
      assertThat(HprofInput.plainHeader(file)).isNull();
    }
  }

  @Test
  void splitReadsFindTheSameHistogramWithSmallBuffers() throws IOException {
    for (int idSize : new int[] {4, 8}) {
      byte[] plain = SyntheticDumps.everyRecordType(idSize).bytes();
      Path file = dir.resolve("d" + idSize + ".hprof");
      Files.write(file, plain);
      ClassHistogram expected = ClassHistograms.of(new ByteArrayInputStream(plain));
      for (int threads = 1; threads <= 3; threads++) {
        assertThat(ClassHistograms.parallel(file, threads, 64, threads != 2)).isEqualTo(expected);
        assertThat(ClassHistograms.parallel(file, threads)).isEqualTo(expected);
      }
    }
  }

  /**
   * Seeded mutants (bytes changed, absurd lengths, cuts, insertions), bounded in time: the fast
   * path gives exactly what the stream reader gives, histogram or error message.
   */
  @Test
  void mutatedDumpsGiveTheSameOutcomeOnBothPaths() throws IOException {
    byte[][] bases = {
      SyntheticDumps.everyRecordType(4).bytes(), SyntheticDumps.everyRecordType(8).bytes()
    };
    Random random = new Random(20261122L);
    Path file = dir.resolve("mutant.hprof");
    long deadline = System.nanoTime() + 3_000_000_000L;
    int cases = 0;
    int failures = 0;
    while (System.nanoTime() < deadline && cases < 20_000) {
      byte[] mutant = mutate(bases[random.nextInt(2)], random);
      cases++;
      Object general = outcome(() -> ClassHistograms.of(new ByteArrayInputStream(mutant)));
      Files.write(file, mutant);
      boolean mapped = cases % 2 == 0;
      Object fast = outcome(() -> ClassHistograms.parallel(file, 1, 64, mapped));
      assertThat(fast).as("case %d", cases).isEqualTo(general);
      if (general instanceof String) {
        failures++;
      }
    }
    assertThat(cases).isGreaterThan(50);
    assertThat(failures).isPositive();
  }

  private static byte[] mutate(byte[] base, Random random) {
    byte[] b = base.clone();
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits; e++) {
      // Keep the 31-byte header (magic, id size, timestamp) intact most of the time.
      int at = 31 + random.nextInt(b.length - 31);
      switch (random.nextInt(4)) {
        case 0 -> b[at] = (byte) random.nextInt(256);
        case 1 -> b[at] ^= (byte) (1 << random.nextInt(8));
        case 2 -> {
          for (int i = 0; i < 4 && at + i < b.length; i++) {
            b[at + i] = random.nextBoolean() ? (byte) 0xff : (byte) random.nextInt(256);
          }
        }
        default -> b = Arrays.copyOf(b, at);
      }
      if (b.length <= 32) {
        return b;
      }
    }
    return b;
  }
}
