package io.heapfleet.analysis.hprof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.histogram.ClassHistograms;
import io.heapfleet.testsupport.ChildProcess;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parallel decompression of HotSpot's chunked gzip ({@link ParallelGzipInputStream}) against a real
 * {@code jcmd GC.heap_dump -gz=1} of this JVM: same bytes and the same histogram as sequential
 * gunzip, clear errors for truncated and corrupt files, and no threads left behind.
 */
class ParallelGzipTest {
  @TempDir static Path shared;
  @TempDir Path dir;

  /** HotSpot's own chunked gzip dump of this test JVM. */
  static Path hotspotGz;

  @BeforeAll
  static void dumpThisJvmWithJcmd() throws Exception {
    hotspotGz = shared.resolve("self.hprof.gz");
    // The DiagnosticCommand MBean has no GC.heap_dump: run jcmd against ourselves.
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    ChildProcess.command(
            List.of(
                jcmd.toString(),
                Long.toString(ProcessHandle.current().pid()),
                "GC.heap_dump",
                "-gz=1",
                hotspotGz.toString()))
        .name("jcmd")
        .run(Duration.ofSeconds(120));
  }

  @AfterEach
  void noThreadsLeft() throws InterruptedException {
    assertNoGunzipThreads();
  }

  @Test
  void hotspotWritesIndependentMembersOfAtMostBlockSizeWithTheSizeInTheFirstComment()
      throws IOException {
    byte[] gz = Files.readAllBytes(hotspotGz);
    assertThat(HprofInput.detect(Arrays.copyOf(gz, 64), "dump"))
        .isEqualTo(InputFormat.CHUNKED_GZIP);
    assertThat(HprofInput.chunkBlockSize(Arrays.copyOf(gz, 64))).isEqualTo(1024 * 1024);
    List<long[]> members = members(hotspotGz);
    assertThat(members).hasSizeGreaterThan(3);
    // Every member is at most BLOCKSIZE (JDK 17 flushes some short ones mid-dump, not only the
    // last); members follow each other with no gap, and the last one ends the file.
    for (long[] m : members) {
      assertThat(m[2]).isBetween(1L, 1024L * 1024);
    }
    assertThat(members.get(members.size() - 1)[1]).isEqualTo(gz.length);
  }

  @Test
  void parallelGivesExactlyTheSequentialBytesForEverySegmentSize() throws Exception {
    byte[] expected = digest(new GZIPInputStream(Files.newInputStream(hotspotGz), 1 << 16));
    long members = members(hotspotGz).size();
    for (int segment : new int[] {4 * 1024, 100_003, ParallelGzipInputStream.DEFAULT_SEGMENT}) {
      try (ParallelGzipInputStream in =
          new ParallelGzipInputStream(FileChannel.open(hotspotGz), 1 << 20, 2, segment)) {
        assertThat(digest(in)).as("segment %d", segment).isEqualTo(expected);
        assertThat(in.membersFromWorkers() + in.membersInflatedHere()).isEqualTo(members);
        // Tiny segments hold no member start at all; from 100 KB on the workers do the work.
        if (segment >= 100_000) {
          assertThat(in.membersFromWorkers()).isGreaterThan(members / 2);
        }
      }
    }
  }

  @Test
  void histogramOfTheRealChunkedDumpIsTheSameParallelAndSequential() throws Exception {
    ClassHistogram parallel = withThreads("2", () -> ClassHistograms.of(hotspotGz));
    ClassHistogram sequential = withThreads("1", () -> ClassHistograms.of(hotspotGz));
    Path plain = dir.resolve("self.hprof");
    try (InputStream in = new GZIPInputStream(Files.newInputStream(hotspotGz))) {
      Files.copy(in, plain);
    }
    assertThat(parallel.instances()).isGreaterThan(10_000);
    assertThat(parallel).isEqualTo(sequential).isEqualTo(ClassHistograms.of(plain));
    try (HprofInput input = HprofInput.open(hotspotGz)) {
      assertThat(input.format()).isEqualTo(InputFormat.CHUNKED_GZIP);
    }
  }

  @Test
  void aFakeGzipMemberInsideStoredDataDoesNotFoolTheReader() throws Exception {
    // The payload carries a complete, valid gzip member (and bare signatures) as plain bytes;
    // stored (level 0) deflate blocks put them verbatim into the compressed file, where a worker
    // scanning for headers takes them for members.
    ByteArrayOutputStream fake = new ByteArrayOutputStream();
    Compression.writeMember(
        fake, new byte[900], 0, 900, "HPROF BLOCKSIZE=4096", Deflater.BEST_SPEED);
    byte[] payload = new byte[200_000];
    new Random(7).nextBytes(payload);
    for (int at = 1000; at + 1000 < payload.length; at += 3001) {
      System.arraycopy(fake.toByteArray(), 0, payload, at, fake.size());
      System.arraycopy(new byte[] {0x1f, (byte) 0x8b, 8, 0}, 0, payload, at + 500, 4);
    }
    Path file = dir.resolve("fake.gz");
    Files.write(file, Compression.chunkedGzip(payload, 4096, Deflater.NO_COMPRESSION));
    try (ParallelGzipInputStream in =
        new ParallelGzipInputStream(FileChannel.open(file), 4096, 2, 1000)) {
      assertThat(in.readAllBytes()).isEqualTo(payload);
      // The fakes did fool some workers, and the reader recovered by inflating those members.
      assertThat(in.membersInflatedHere()).isPositive();
      assertThat(in.membersFromWorkers()).isPositive();
    }
    // The same with an HPROF inside, through the public API.
    byte[] hprof = SyntheticDumps.everyRecordType(8).bytes();
    Files.write(file, Compression.chunkedGzip(hprof, 64, Deflater.NO_COMPRESSION));
    assertThat(ClassHistograms.of(file))
        .isEqualTo(ClassHistograms.of(new ByteArrayInputStream(hprof)));
  }

  @Test
  void truncatedChunkedDumpFailsNamingTheMemberAndLeavesNoThreads() throws Exception {
    byte[] gz = Files.readAllBytes(hotspotGz);
    List<long[]> members = members(hotspotGz);
    long middleStart = members.get(members.size() / 2)[0];
    long[] cuts = {
      100, gz.length / 3, middleStart + 5, middleStart + 30, gz.length - 20, gz.length - 3
    };
    Path cut = dir.resolve("cut.hprof.gz");
    for (long length : cuts) {
      Files.write(cut, Arrays.copyOf(gz, (int) length));
      assertThatThrownBy(() -> ClassHistograms.of(cut))
          .as("cut at %d of %d", length, gz.length)
          .isInstanceOf(HprofFormatException.class)
          .hasMessageContaining("gzip member at compressed offset ")
          .hasMessageContaining(" is truncated")
          .hasMessageContaining("(at offset ");
      assertNoGunzipThreads();
    }
    // Cut inside a member's header: says so.
    Files.write(cut, Arrays.copyOf(gz, (int) middleStart + 5));
    assertThatThrownBy(() -> ClassHistograms.of(cut))
        .hasMessageContaining("gzip member at compressed offset " + middleStart)
        .hasMessageContaining("inside its 10-byte header");
  }

  @Test
  void corruptMiddleMemberFailsNamingItsOffsetAndLeavesNoThreads() throws Exception {
    byte[] original = Files.readAllBytes(hotspotGz);
    List<long[]> members = members(hotspotGz);
    long[] middle = members.get(members.size() / 2);
    Path bad = dir.resolve("corrupt.hprof.gz");
    for (int quarter = 1; quarter <= 3; quarter++) {
      // Zero 64 bytes inside the member's compressed data.
      byte[] gz = original.clone();
      int at = (int) (middle[0] + (middle[1] - middle[0]) * quarter / 4);
      Arrays.fill(gz, at, at + 64, (byte) 0);
      Files.write(bad, gz);
      // Worker or not, the member is checked before the parser sees a byte of it: the error is
      // the gzip one (corrupt deflate data, CRC-32, or longer than BLOCKSIZE), never garbage.
      assertThatThrownBy(() -> ClassHistograms.of(bad))
          .as("zeroed at %d", at)
          .isInstanceOf(HprofFormatException.class)
          .hasMessageStartingWith("Cannot read the input: ZipException: ")
          .hasMessageContaining("gzip member at compressed offset " + middle[0])
          .hasMessageContaining("(at offset ");
      assertNoGunzipThreads();
      // Sequential reading fails too (the JDK's GZIPInputStream, worded differently).
      assertThatThrownBy(() -> withThreads("1", () -> ClassHistograms.of(bad)))
          .isInstanceOf(HprofFormatException.class);
    }
  }

  @Test
  void aMemberLongerThanTheBlockSizeIsAnError() throws Exception {
    byte[] hprof = SyntheticDumps.everyRecordType(8).bytes();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Compression.writeMember(out, hprof, 0, 100, "HPROF BLOCKSIZE=100", Deflater.BEST_SPEED);
    Compression.writeMember(out, hprof, 100, 201, "", Deflater.BEST_SPEED);
    Path file = dir.resolve("long.hprof.gz");
    Files.write(file, out.toByteArray());
    assertThatThrownBy(() -> ClassHistograms.of(file))
        .isInstanceOf(HprofFormatException.class)
        .hasMessageContaining("gzip member at compressed offset ")
        .hasMessageContaining(
            "decompresses to more than the 100 bytes declared by HPROF BLOCKSIZE");
  }

  @Test
  void closingBeforeTheEndStopsTheThreads() throws Exception {
    try (HprofInput input = HprofInput.open(hotspotGz)) {
      assertThat(input.header().idSize()).isEqualTo(8);
      assertThat(gunzipThreads()).isNotEmpty();
    }
    assertNoGunzipThreads();
  }

  /**
   * Seeded mutants of a chunked file (small blocks, so a few hundred members) read in parallel:
   * each either reads or fails with an {@link HprofFormatException} naming an offset; never another
   * exception, a hang, or a thread left running. Bounded to 3 s.
   */
  @Test
  void mutatedChunkedFilesFailCleanly() throws Exception {
    byte[] chunked = Compression.chunkedGzip(SyntheticDumps.everyRecordType(8).bytes(), 64);
    Random random = new Random(20261122);
    Path file = dir.resolve("mutant.hprof.gz");
    long deadline = System.nanoTime() + 3_000_000_000L;
    int cases = 0;
    int failures = 0;
    while (System.nanoTime() < deadline && cases < 5_000) {
      byte[] mutant = chunked.clone();
      for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
        int at = random.nextInt(mutant.length);
        switch (random.nextInt(3)) {
          case 0 -> mutant[at] ^= (byte) (1 << random.nextInt(8));
          case 1 -> mutant[at] = (byte) random.nextInt(256);
          default -> mutant = Arrays.copyOf(mutant, Math.max(40, at));
        }
      }
      Files.write(file, mutant);
      cases++;
      try {
        withThreads("2", () -> ClassHistograms.of(file));
      } catch (HprofFormatException expected) {
        failures++;
        assertThat(expected.getMessage()).contains("offset");
      }
      if (cases % 100 == 0) {
        assertNoGunzipThreads();
      }
    }
    assertThat(cases).isGreaterThan(20);
    assertThat(failures).isPositive();
  }

  // ---- helpers ----

  /** Start, end and decompressed size of every member, found by inflating one after another. */
  static List<long[]> members(Path gz) throws IOException {
    List<long[]> out = new ArrayList<>();
    byte[] buf = new byte[1 << 16];
    byte[] sink = new byte[1 << 16];
    Inflater inflater = new Inflater(true);
    try (FileChannel ch = FileChannel.open(gz)) {
      long p = 0;
      while (p < ch.size()) {
        GzipMember m = GzipMember.open(ch, ch.size(), p, inflater, buf);
        while (m.read(sink, 0, sink.length) >= 0) {
          // count
        }
        out.add(new long[] {p, m.end(), m.produced()});
        p = m.end();
      }
    } finally {
      inflater.end();
    }
    return out;
  }

  private static byte[] digest(InputStream in) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[1 << 16];
    long total = 0;
    try (InputStream b = new BufferedInputStream(in)) {
      int n;
      while ((n = b.read(buf)) >= 0) {
        sha.update(buf, 0, n);
        total += n;
      }
    }
    sha.update(ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putLong(total).array());
    return sha.digest();
  }

  interface IoCall<T> {
    T call() throws Exception;
  }

  /** Runs with {@link HprofInput#THREADS_PROPERTY} set (tests of this module run one at a time). */
  static <T> T withThreads(String threads, IoCall<T> call) throws Exception {
    String old = System.getProperty(HprofInput.THREADS_PROPERTY);
    System.setProperty(HprofInput.THREADS_PROPERTY, threads);
    try {
      return call.call();
    } finally {
      if (old == null) {
        System.clearProperty(HprofInput.THREADS_PROPERTY);
      } else {
        System.setProperty(HprofInput.THREADS_PROPERTY, old);
      }
    }
  }

  private static List<Thread> gunzipThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("hprof-gunzip-") && t.isAlive())
        .toList();
  }

  /** Close waits for the threads; allow a moment for the JVM's bookkeeping anyway. */
  static void assertNoGunzipThreads() throws InterruptedException {
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (!gunzipThreads().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(gunzipThreads()).as("gunzip threads still running").isEmpty();
  }
}
