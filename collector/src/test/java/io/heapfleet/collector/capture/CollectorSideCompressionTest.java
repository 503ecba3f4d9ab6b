package io.heapfleet.collector.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.histogram.ClassHistograms;
import io.heapfleet.auth.Compression;
import io.heapfleet.collector.discovery.Target;
import io.heapfleet.collector.testing.CaptureRig;
import io.heapfleet.collector.testing.TargetApp;
import io.heapfleet.collector.testing.TaskJvm;
import io.heapfleet.endpoint.WireEncoding;
import io.heapfleet.endpoint.client.HeapdumpClient;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code compress-in: collector}: a real task JVM sends raw HPROF, the collector encodes it on its
 * way to a real in-process S3, and the stored object is the same dump in the stored format.
 */
class CollectorSideCompressionTest {
  @TempDir static Path dir;
  static CaptureRig rig;
  static TaskJvm task;

  @BeforeAll
  static void start() throws Exception {
    rig = CaptureRig.start(dir);
    task = TaskJvm.task("task-raw").targetApp(2, 5000).start();
  }

  @AfterAll
  static void stop() {
    if (task != null) {
      task.close();
    }
    if (rig != null) {
      rig.close();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Compression.class,
      names = {"GZIP", "ZSTD"})
  void theTaskSendsRawAndTheCollectorStoresTheFormatItWasAskedFor(Compression format)
      throws Exception {
    DumpCapture capture =
        new DumpCapture(
            HeapdumpClient.create(Duration.ofSeconds(5)),
            rig.store(),
            DumpCaptureTest.token(TaskJvm.SECRET),
            new DumpCapture.Settings(
                    Duration.ofMinutes(2), Duration.ofSeconds(20), true, format, 1 << 20, 5)
                .withCompressInCollector(true),
            Clock.systemUTC(),
            rig.analysers(),
            rig.timer());
    AtomicLong onTheWire = new AtomicLong();
    CaptureReport r =
        capture.capture(
            new Target(task.taskId(), "test", "svc", task.base(), false), onTheWire::set);

    assertThat(r.outcome()).as(r.message()).isEqualTo(CaptureOutcome.STORED);
    var stored = r.stored().orElseThrow();
    assertThat(stored.objectKey()).endsWith(WireEncoding.hprofExtension(format));
    // Raw HPROF came over the wire: several times what the compressed object holds.
    assertThat(onTheWire.get()).isGreaterThan(2 * stored.sizeBytes());
    ClassHistogram h = r.histogram().orElseThrow();
    assertThat(h.get(TargetApp.Order.class.getName()).orElseThrow().instances()).isEqualTo(5000);
    try (InputStream in = rig.store().open(stored)) {
      byte[] magic = in.readNBytes(4);
      if (format == Compression.GZIP) {
        assertThat(magic[0] & 0xff).isEqualTo(0x1f);
        assertThat(magic[1] & 0xff).isEqualTo(0x8b);
      } else {
        assertThat(magic).containsExactly(0x28, 0xb5, 0x2f, 0xfd);
      }
    }
    try (InputStream in = rig.store().open(stored)) {
      assertThat(ClassHistograms.of(in).entries()).isEqualTo(h.entries());
    }
  }

  @org.junit.jupiter.api.Test
  void aTaskBehindABalancerStillCompressesSoItsResponseStartsBeforeTheDump() throws Exception {
    DumpCapture capture =
        new DumpCapture(
            HeapdumpClient.create(Duration.ofSeconds(5)),
            rig.store(),
            DumpCaptureTest.token(TaskJvm.SECRET),
            new DumpCapture.Settings(
                    Duration.ofMinutes(2),
                    Duration.ofSeconds(20),
                    true,
                    Compression.GZIP,
                    1 << 20,
                    5)
                .withCompressInCollector(true),
            Clock.systemUTC(),
            rig.analysers(),
            rig.timer());
    AtomicLong onTheWire = new AtomicLong();
    CaptureReport r =
        capture.capture(
            new Target(task.taskId(), "test", "svc", task.base(), true), onTheWire::set);

    assertThat(r.outcome()).as(r.message()).isEqualTo(CaptureOutcome.STORED);
    assertThat(r.stored().orElseThrow().objectKey()).endsWith(".hprof.gz");
    assertThat(onTheWire.get()).isEqualTo(r.stored().orElseThrow().sizeBytes());
  }
}
