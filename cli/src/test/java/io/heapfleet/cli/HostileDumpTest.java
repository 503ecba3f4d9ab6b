package io.heapfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.hprof.HprofBombs;
import io.heapfleet.testsupport.ChildProcess;
import io.heapfleet.testsupport.JavaCommand;
import io.heapfleet.testsupport.hprof.HprofType;
import io.heapfleet.testsupport.hprof.HprofWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile dumps through {@code heapfleet histo} in a child JVM at the collector's documented {@code
 * -Xmx256m}: each ends with one line on stderr and exit code 2, no stack trace, and a peak resident
 * set well under what the bomb would take.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "reads the peak RSS from /proc/self/status")
class HostileDumpTest {
  /** Generous: a JVM at -Xmx256m with its code cache, metaspace and threads. */
  private static final long PEAK_RSS_BOUND_KB = 600 * 1024;

  @TempDir Path dir;

  private record Child(int exitCode, List<String> errLines, long peakRssKb) {}

  @Test
  void stringBombEndsWithTheStringLimitNotOutOfMemory() throws Exception {
    Path bomb = dir.resolve("string-bomb.hprof.gz");
    HprofBombs.gzipStringBomb(bomb, 40, 16 * 1024 * 1024); // 640 MiB of strings in ~650 KB
    Child c = histo("-Xmx256m", bomb);
    assertBadInputInOneLine(c, "STRING record of 16777216 bytes exceeds the limit of 65535 bytes");
    assertThat(c.peakRssKb).as(c.toString()).isPositive().isLessThan(PEAK_RSS_BOUND_KB);
  }

  @Test
  void tenGigabyteGzipBombEndsWithAFormatError() throws Exception {
    Path bomb = dir.resolve("zero-bomb.hprof.gz");
    // A valid header, a heap dump segment claiming 4 GiB, then zeros: 10 GB inflated, ~10 MB here.
    HprofBombs.writeGzipZeroBomb(bomb, 10L * 1000 * 1000 * 1000, true);
    Child c = histo("-Xmx256m", bomb);
    assertBadInputInOneLine(c, "Unknown heap dump sub-record tag 0x00");
    assertThat(c.peakRssKb).as(c.toString()).isPositive().isLessThan(PEAK_RSS_BOUND_KB);
  }

  @Test
  void floodOfLegalStringsStopsAtTheStringBudget() throws Exception {
    Path flood = dir.resolve("string-flood.hprof.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(flood))) {
      HprofBombs.writeStringFlood(out, 2000, 65_535); // 131 MB of 64 KiB symbols
    }
    Child c = histo("-Xmx256m", flood);
    assertBadInputInOneLine(c, "over the string budget of 100663296 bytes");
    assertThat(c.peakRssKb).as(c.toString()).isPositive().isLessThan(PEAK_RSS_BOUND_KB);
  }

  @Test
  void outOfMemoryIsOneLineAndExitCodeTwo() throws Exception {
    Path flood = dir.resolve("string-flood.hprof.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(flood))) {
      HprofBombs.writeStringFlood(out, 1400, 65_535); // within the budget, not within -Xmx32m
    }
    Child c = histo("-Xmx32m", flood);
    assertBadInputInOneLine(c, "needs more memory than the Java heap has");
  }

  @Test
  void superclassCycleIsBadInput() throws IOException {
    HprofWriter w = new HprofWriter(8);
    long a = w.defineClass("com/acme/A", 0, 0, new HprofWriter.Field("x", HprofType.INT));
    long b = w.defineClass("com/acme/B", a, 0);
    w.instance(b, 1);
    byte[] bytes = w.build();
    // A's CLASS_DUMP: its id, a 0 stack serial, a 0 superclass id; make the superclass B.
    byte[] pattern = ByteBuffer.allocate(20).putLong(a).putInt(0).putLong(0).array();
    ByteBuffer.wrap(bytes).putLong(indexOf(bytes, pattern) + 12, b);
    Path dump = dir.resolve("cycle.hprof");
    Files.write(dump, bytes);

    CliRun r = CliRun.run("retainers", dump.toString(), "--class", "com.acme.B");
    assertThat(r.exitCode).as(r.toString()).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(r.err).contains("superclass cycle").doesNotContain("\tat ");
  }

  /** Refused as bad input, in one stderr line that contains {@code message}. */
  private static void assertBadInputInOneLine(Child c, String message) {
    assertThat(c.exitCode).as(c.toString()).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(c.errLines).as(c.toString()).singleElement().asString().contains(message);
  }

  private Child histo(String xmx, Path dump) throws IOException, InterruptedException {
    ChildProcess p;
    try (ChildProcess child =
        JavaCommand.withHeap(xmx.substring("-Xmx".length()))
            .options("-XX:TieredStopAtLevel=1")
            .main(PeakRssMain.class)
            .args("histo", dump.toString())
            .process("histo " + xmx)
            .start()) {
      child.awaitExit(Duration.ofSeconds(120));
      p = child;
    }
    String err = p.stderr();
    List<String> lines = new ArrayList<>();
    long peak = -1;
    for (String line : err.split("\n")) {
      if (line.startsWith("peak-rss-kb ")) {
        peak = Long.parseLong(line.substring("peak-rss-kb ".length()).trim());
      } else if (!line.isBlank()) {
        lines.add(line);
      }
    }
    System.out.printf(
        "histo %s %s: exit %d, peak RSS %d MB, stderr %s%n",
        xmx, dump.getFileName(), p.process().exitValue(), peak / 1024, lines);
    return new Child(p.process().exitValue(), lines, peak);
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
