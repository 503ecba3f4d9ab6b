package io.heapfleet.collector.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.hprof.Compression;
import io.heapfleet.analysis.hprof.HprofBombs;
import io.heapfleet.auth.HourlyToken;
import io.heapfleet.auth.Secret;
import io.heapfleet.auth.TaskCredentials;
import io.heapfleet.collector.capture.CaptureLimits;
import io.heapfleet.collector.capture.CaptureOutcome;
import io.heapfleet.collector.capture.CaptureReport;
import io.heapfleet.collector.capture.DumpCapture;
import io.heapfleet.collector.discovery.Discovery;
import io.heapfleet.collector.discovery.Target;
import io.heapfleet.collector.metrics.CollectorMetrics;
import io.heapfleet.collector.schedule.CaptureScheduler;
import io.heapfleet.collector.state.FleetState;
import io.heapfleet.collector.state.TaskStatus;
import io.heapfleet.collector.testing.CaptureRig;
import io.heapfleet.collector.testing.HostileTarget;
import io.heapfleet.collector.testing.MutableClock;
import io.heapfleet.collector.testing.TaskJvm;
import io.heapfleet.collector.testing.TestSchedulers;
import io.heapfleet.endpoint.HeapfleetHeaders;
import io.heapfleet.endpoint.client.HeapdumpClient;
import io.heapfleet.testsupport.hprof.HprofWriter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Targets that send what no honest task sends, against the real capture path and a real in-process
 * S3: a trickle (cut at the deadline, and the next task of its service is captured straight after),
 * an endless stream (cut at the byte cap), a dump that inflates past the size it announced, and the
 * reader bombs. Each ends with its own outcome, in the metric and the task status, and leaves no
 * object and no open multipart upload.
 */
class HostileTargetTest {
  @TempDir static Path dir;
  static CaptureRig rig;
  static TaskJvm good;

  /** Short limits for tests: 3 s + 1 s per 4 MiB announced, cap 2 × size (at least 1 MiB). */
  static final CaptureLimits LIMITS =
      new CaptureLimits(
          Duration.ofSeconds(3), 4L << 20, Duration.ofSeconds(60), 1L << 20, 2.0, 64L << 20, 0.05);

  HostileTarget hostile;

  @BeforeAll
  static void start() throws Exception {
    rig = CaptureRig.start(dir);
    good = TaskJvm.task("b-good").targetApp(1, 300).start();
  }

  @AfterAll
  static void stop() {
    if (good != null) {
      good.close();
    }
    if (rig != null) {
      rig.close();
    }
  }

  @AfterEach
  void closeTarget() throws IOException {
    if (hostile != null) {
      hostile.close();
    }
  }

  final MutableClock clock = new MutableClock();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  DumpCapture capture() {
    TaskCredentials credentials =
        TaskCredentials.of(Secret.of(TaskJvm.SECRET, false), HourlyToken.DEFAULT_SCOPE);
    return new DumpCapture(
        HeapdumpClient.create(Duration.ofSeconds(5)),
        rig.store(),
        () -> credentials,
        new DumpCapture.Settings(
                Duration.ofSeconds(30),
                Duration.ofSeconds(20),
                true,
                io.heapfleet.auth.Compression.GZIP,
                1 << 20,
                5)
            .withLimits(LIMITS),
        clock,
        rig.analysers(),
        rig.timer());
  }

  CollectorEngine engine(List<Target> targets) {
    Discovery fixed =
        new Discovery() {
          @Override
          public List<Target> discover() {
            return targets;
          }

          @Override
          public String describe() {
            return "fixed " + targets.size();
          }
        };
    CaptureScheduler scheduler = TestSchedulers.halfHourly(2, clock);
    return new CollectorEngine(
        fixed,
        scheduler,
        capture(),
        new SeriesAnalysis(rig.store(), 48),
        new FleetState(),
        new CollectorMetrics(registry),
        new CollectorEngineTest.CallerRuns(),
        clock,
        Duration.ofMinutes(1));
  }

  static Target target(String taskId, java.net.URI base, String service) {
    return new Target(taskId, "test", service, base, false);
  }

  double captures(String outcome) {
    return registry.get("heapfleet.captures").tag("outcome", outcome).counter().count();
  }

  int openMultipartUploads() {
    return rig.client().listMultipartUploads(b -> b.bucket("heapfleet")).uploads().size();
  }

  int objects(String taskId) {
    return rig
        .client()
        .listObjectsV2(b -> b.bucket("heapfleet").prefix("heapdumps/test/"))
        .contents()
        .stream()
        .filter(o -> o.key().contains("/" + taskId + "/"))
        .toList()
        .size();
  }

  @Test
  void tricklingTargetIsCutAtTheDeadlineAndTheNextTaskOfItsServiceIsCapturedStraightAway()
      throws Exception {
    byte[] dump = Compression.gzip(smallDump());
    hostile =
        new HostileTarget(
            "a-trickle",
            "gzip",
            HeapfleetHeaders.HPROF_BYTES + ": 1000\r\n",
            out -> {
              for (byte b : dump) { // one byte a second: never idle, never done
                out.write(b);
                out.flush();
                Thread.sleep(1000);
              }
            });
    CollectorEngine engine =
        engine(
            List.of(
                target("a-trickle", hostile.base(), "svc-shared"),
                target("b-good", good.base(), "svc-shared")));

    long t0 = System.nanoTime();
    engine.tick(); // a-trickle first (same due time, sorted by id); b-good waits for the slot
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    Map<String, TaskStatus> tasks =
        engine.tasks().stream().collect(Collectors.toMap(TaskStatus::taskId, t -> t));
    TaskStatus.Attempt cut = tasks.get("a-trickle").lastAttempt();
    assertThat(cut.outcome()).as(cut.message()).isEqualTo("deadline");
    assertThat(cut.message()).contains("deadline of PT3S");
    assertThat(cut.durationMillis()).isBetween(2_900L, 8_000L);
    TaskStatus.Attempt next = tasks.get("b-good").lastAttempt();
    assertThat(next.outcome()).as(next.message()).isEqualTo("stored");
    // b-good started as soon as the slot was free, not on a later round.
    assertThat(took.toMillis()).isLessThan(cut.durationMillis() + next.durationMillis() + 10_000);
    assertThat(captures("deadline")).isEqualTo(1);
    assertThat(captures("stored")).isEqualTo(1);
    assertThat(hostile.requests()).isEqualTo(1);
    assertThat(objects("a-trickle")).isZero();
    assertThat(openMultipartUploads()).isZero();
  }

  @Test
  void endlessStreamIsCutAtTheByteCap() throws Exception {
    // Raw HPROF that never ends: a segment claiming 32 MiB of ROOT_UNKNOWN records (within the
    // inflation bound for the heap it announces, so only the byte cap can stop it), then more.
    hostile =
        new HostileTarget(
            "endless",
            "raw",
            HeapfleetHeaders.HEAP_USED + ": 100000\r\n",
            out -> {
              DataOutputStream d = new DataOutputStream(out);
              HprofWriter.writeHeader(d, 8, Instant.parse("2026-11-22T01:00:00Z"));
              HprofWriter.writeRecordHead(d, 0x1C, 32L << 20);
              byte[] roots = new byte[9 * 4096];
              for (int i = 0; i < roots.length; i += 9) {
                roots[i] = (byte) 0xFF;
              }
              while (true) {
                d.write(roots);
              }
            });
    CaptureReport r = capture().capture(target("endless", hostile.base(), "svc-endless"));

    assertThat(r.outcome()).as(r.message()).isEqualTo(CaptureOutcome.TOO_LARGE);
    assertThat(r.message()).contains("byte cap of 1048576 bytes");
    assertThat(r.bytes()).isLessThanOrEqualTo(1L << 20);
    assertThat(objects("endless")).isZero();
    assertThat(openMultipartUploads()).isZero();
  }

  @Test
  void dumpInflatingPastItsAnnouncedSizeIsRefused() throws Exception {
    // A valid header, a segment claiming 4 GiB, zeros: 10 GB inflated; the task announces 10 MB.
    hostile =
        new HostileTarget(
            "liar",
            "gzip",
            HeapfleetHeaders.HPROF_BYTES + ": 10000000\r\n",
            out -> {
              try (InputStream bomb = HprofBombs.gzipZeroBomb(10L * 1000 * 1000 * 1000, true)) {
                bomb.transferTo(out);
              }
            });
    CaptureReport r = capture().capture(target("liar", hostile.base(), "svc-liar"));

    assertThat(r.outcome()).as(r.message()).isEqualTo(CaptureOutcome.INFLATION);
    assertThat(r.message())
        .contains(HeapfleetHeaders.HPROF_BYTES)
        .contains("past the limit of 11548576 bytes");
    // Refused at the first record: what was received is what the analyser pipe buffers (1 MiB
    // here), not the 10 MB of the stream.
    assertThat(r.bytes()).isLessThan(4L << 20);
    assertThat(objects("liar")).isZero();
    assertThat(openMultipartUploads()).isZero();
  }

  @Test
  void nodeSnapshotInflatingPastItsAnnouncedSizeIsRefused() throws Exception {
    // A Node.js task announces a 100 KB snapshot and sends a JSON start and 50 MB of whitespace.
    hostile =
        new HostileTarget(
            "node-liar",
            "gzip",
            "X-Heapdump-Runtime: node\r\nX-Heapdump-Snapshot-Bytes: 100000\r\n",
            out -> {
              try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
                gz.write("{\"snapshot\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                byte[] spaces = new byte[1 << 20];
                java.util.Arrays.fill(spaces, (byte) ' ');
                for (int i = 0; i < 50; i++) {
                  gz.write(spaces);
                }
              }
            });
    CaptureReport r = capture().capture(target("node-liar", hostile.base(), "svc-node-liar"));

    assertThat(r.outcome()).as(r.message()).isEqualTo(CaptureOutcome.INFLATION);
    assertThat(r.message()).contains("X-Heapdump-Snapshot-Bytes");
    assertThat(objects("node-liar")).isZero();
    assertThat(openMultipartUploads()).isZero();
  }

  @Test
  void contentThatIsNotTheKindTheTaskAnnouncedIsABadDump() throws Exception {
    // Says Node.js (a V8 snapshot), sends an HPROF: nothing is stored under a .heapsnapshot key.
    hostile =
        new HostileTarget(
            "two-faced",
            "gzip",
            "X-Heapdump-Runtime: node\r\n",
            out -> {
              try (InputStream bomb = HprofBombs.gzipZeroBomb(1L << 20, true)) {
                bomb.transferTo(out);
              }
            });
    CaptureReport r = capture().capture(target("two-faced", hostile.base(), "svc-two-faced"));

    assertThat(r.outcome()).as(r.message()).isEqualTo(CaptureOutcome.BAD_DUMP);
    assertThat(r.message()).contains("announced a V8 heap snapshot").contains("HPROF");
    assertThat(objects("two-faced")).isZero();
    assertThat(openMultipartUploads()).isZero();
  }

  @Test
  void readerBombsEndAsOutcomesAndTheCollectorCarriesOn(@TempDir Path tmp) throws Exception {
    Path stringBomb = tmp.resolve("string-bomb.hprof.gz");
    HprofBombs.gzipStringBomb(stringBomb, 40, 16 * 1024 * 1024);
    hostile =
        new HostileTarget(
            "string-bomb",
            "gzip",
            HeapfleetHeaders.HPROF_BYTES + ": 671088640\r\n",
            out -> Files.copy(stringBomb, out));
    CollectorEngine engine =
        engine(
            List.of(
                target("string-bomb", hostile.base(), "svc-bomb"),
                target("b-good", good.base(), "svc-other")));
    engine.tick();

    Map<String, TaskStatus> tasks =
        engine.tasks().stream().collect(Collectors.toMap(TaskStatus::taskId, t -> t));
    TaskStatus.Attempt refused = tasks.get("string-bomb").lastAttempt();
    assertThat(refused.outcome()).as(refused.message()).isEqualTo("bad_dump");
    assertThat(refused.message()).contains("exceeds the limit of 65535 bytes");
    assertThat(tasks.get("b-good").lastAttempt().outcome()).isEqualTo("stored");
    assertThat(captures("bad_dump")).isEqualTo(1);
    assertThat(objects("string-bomb")).isZero();
    assertThat(openMultipartUploads()).isZero();

    // The 10 GB zero bomb without a size to compare with: an invalid dump, refused early.
    hostile.close();
    hostile =
        new HostileTarget(
            "zero-bomb",
            "gzip",
            "",
            out -> {
              try (InputStream bomb = HprofBombs.gzipZeroBomb(10L * 1000 * 1000 * 1000, false)) {
                bomb.transferTo(out);
              }
            });
    CaptureReport r = capture().capture(target("zero-bomb", hostile.base(), "svc-bomb"));
    assertThat(r.outcome()).as(r.message()).isEqualTo(CaptureOutcome.TRUNCATED);
    assertThat(r.message()).contains("Unknown record tag 0x00");
    assertThat(r.bytes()).isLessThan(8L << 20);
    assertThat(openMultipartUploads()).isZero();
  }

  private static byte[] smallDump() {
    HprofWriter w = new HprofWriter(8);
    long object = w.defineClass("java/lang/Object", 0, 0);
    w.instance(w.defineClass("com/acme/Trickle", object, 0));
    return w.build();
  }
}
