package io.heapfleet.analysis.hprof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import io.heapfleet.analysis.histogram.ClassHistograms;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TruncationAndFuzzTest {
  @TempDir Path dir;

  @Test
  void truncationAtEveryRecordBoundaryIsAnErrorNamingTheOffset() throws IOException {
    SyntheticDumps.Everything d = SyntheticDumps.everyRecordType(8);
    byte[] full = d.bytes();
    assertThat(d.writer().boundaries()).hasSizeGreaterThan(30);
    for (long boundary : d.writer().boundaries()) {
      byte[] cut = Arrays.copyOf(full, (int) boundary);
      assertThatThrownBy(() -> ClassHistograms.of(new ByteArrayInputStream(cut)))
          .as("truncated at record boundary %d", boundary)
          .isInstanceOf(HprofFormatException.class)
          .hasMessageContaining("offset");
    }
    // The complete file reads.
    assertThat(ClassHistograms.of(new ByteArrayInputStream(full)).instances()).isPositive();
  }

  @Test
  void truncationAtEveryByteIsAnErrorFromFilesAndStreams() throws IOException {
    byte[] full = SyntheticDumps.everyRecordType(4).bytes();
    Path file = dir.resolve("cut.hprof");
    for (int length = 0; length < full.length; length++) {
      byte[] cut = Arrays.copyOf(full, length);
      assertThatThrownBy(() -> ClassHistograms.of(new ByteArrayInputStream(cut)))
          .as("stream truncated to %d bytes", length)
          .isInstanceOf(HprofFormatException.class);
      if (length % 7 == 0) {
        Files.write(file, cut);
        assertThatThrownBy(() -> ClassHistograms.of(file))
            .as("file truncated to %d bytes", length)
            .isInstanceOf(HprofFormatException.class);
      }
    }
  }

  @Test
  void truncatedInsideAnInstanceNamesTheSubRecordAndItsOffset() throws IOException {
    SyntheticDumps.Everything d = SyntheticDumps.everyRecordType(8);
    // Cut a few bytes into the second segment's first sub-record (an INSTANCE_DUMP).
    long second =
        d.writer().boundaries().stream()
            .filter(o -> d.bytes()[(int) (long) o] == 0x1C)
            .skip(1)
            .findFirst()
            .get();
    long instance = second + 9;
    byte[] cut = Arrays.copyOf(d.bytes(), (int) instance + 12);
    Path file = dir.resolve("cut.hprof");
    Files.write(file, cut);
    assertThatThrownBy(() -> ClassHistograms.of(file))
        .isInstanceOf(HprofFormatException.class)
        .hasMessageContaining("INSTANCE_DUMP sub-record starting at offset " + instance);
  }

  @Test
  void truncatedCompressedInputIsAnError() throws IOException {
    byte[] plain = SyntheticDumps.everyRecordType(8).bytes();
    for (byte[] compressed :
        new byte[][] {Compression.gzip(plain), Compression.chunkedGzip(plain, 256)}) {
      for (int length = 0; length < compressed.length; length += 13) {
        byte[] cut = Arrays.copyOf(compressed, length);
        assertThatThrownBy(() -> ClassHistograms.of(new ByteArrayInputStream(cut)))
            .isInstanceOf(HprofFormatException.class);
      }
    }
  }

  /**
   * Seeded mutation fuzzing, bounded in time: every mutant must either read or fail with a clean
   * {@link HprofFormatException}: no other exception, no hang, no out-of-memory.
   */
  @Test
  void mutatedDumpsFailCleanly() throws Exception {
    byte[] plain4 = SyntheticDumps.everyRecordType(4).bytes();
    byte[] plain8 = SyntheticDumps.everyRecordType(8).bytes();
    Random random = new Random(20261122);
    long deadline = System.nanoTime() + 10_000_000_000L;
    int cases = 0;
    int failures = 0;
    while (System.nanoTime() < deadline && cases < 200_000) {
      byte[] base = random.nextBoolean() ? plain4 : plain8;
      byte[] mutant = mutate(base, random);
      boolean compress = random.nextInt(20) == 0;
      byte[] input = compress ? Compression.gzip(mutant) : mutant;
      if (compress && random.nextBoolean()) {
        input = mutate(input, random);
      }
      cases++;
      try {
        ClassHistograms.of(new ByteArrayInputStream(input));
      } catch (HprofFormatException expected) {
        failures++;
        assertThat(expected.getMessage()).contains("offset");
      } catch (Throwable t) {
        fail("case " + cases + ": unexpected " + t, t);
      }
    }
    // Thousands of cases on an idle machine; a loaded CI box still gets a meaningful sample.
    assertThat(cases).isGreaterThan(100);
    assertThat(failures).isPositive();
  }

  private static byte[] mutate(byte[] base, Random random) {
    byte[] b = base.clone();
    int edits = 1 + random.nextInt(4);
    for (int e = 0; e < edits; e++) {
      int at = random.nextInt(b.length);
      switch (random.nextInt(5)) {
        case 0 -> b[at] = (byte) random.nextInt(256);
        case 1 -> b[at] ^= (byte) (1 << random.nextInt(8));
        case 2 -> {
          // A length-like field: four bytes of 0xff / random, the classic absurd size.
          for (int i = 0; i < 4 && at + i < b.length; i++) {
            b[at + i] = random.nextBoolean() ? (byte) 0xff : (byte) random.nextInt(256);
          }
        }
        case 3 -> b = Arrays.copyOf(b, Math.max(1, at));
        default -> {
          byte[] longer = new byte[b.length + 8];
          System.arraycopy(b, 0, longer, 0, at);
          System.arraycopy(b, at, longer, at + 8, b.length - at);
          b = longer;
        }
      }
    }
    return b;
  }
}
