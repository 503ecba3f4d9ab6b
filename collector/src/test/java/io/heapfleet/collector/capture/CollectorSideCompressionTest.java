package io.heapfleet.collector.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.histogram.ClassHistograms;
import io.heapfleet.auth.Compression;
import io.heapfleet.collector.discovery.Target;
import io.heapfleet.collector.testing.TargetApp;
import io.heapfleet.collector.testing.TaskJvm;
import io.heapfleet.endpoint.WireEncoding;
import io.heapfleet.endpoint.client.HeapdumpClient;
import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.EmbeddedS3;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code compress-in: collector}: a real task JVM sends raw HPROF, the collector encodes it on its
 * way to a real in-process S3, and the stored object is the same dump in the stored format.
 */
class CollectorSideCompressionTest {
  @TempDir static Path dir;
  static EmbeddedS3 s3;
  static S3Client client;
  static DumpStore store;
  static TaskJvm task;
  static ExecutorService analysers = Executors.newCachedThreadPool();
  static ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @BeforeAll
  static void start() throws Exception {
    s3 = EmbeddedS3.filesystem(dir.resolve("s3"), "heapfleet");
    client = new io.heapfleet.collector.testing.RefusingS3().client(s3);
    store = new DumpStore(client, s3.settings().withPrefix("heapdumps").withPartSize(5 << 20));
    task = TaskJvm.task("task-raw").targetApp(2, 5000).start();
  }

  @AfterAll
  static void stop() {
    if (task != null) {
      task.close();
    }
    analysers.shutdownNow();
    timer.shutdownNow();
    client.close();
    s3.close();
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
            store,
            DumpCaptureTest.token(TaskJvm.SECRET),
            new DumpCapture.Settings(
                    Duration.ofMinutes(2), Duration.ofSeconds(20), true, format, 1 << 20, 5)
                .withCompressInCollector(true),
            Clock.systemUTC(),
            analysers,
            timer);
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
    try (InputStream in = store.open(stored)) {
      byte[] magic = in.readNBytes(4);
      if (format == Compression.GZIP) {
        assertThat(magic[0] & 0xff).isEqualTo(0x1f);
        assertThat(magic[1] & 0xff).isEqualTo(0x8b);
      } else {
        assertThat(magic).containsExactly(0x28, 0xb5, 0x2f, 0xfd);
      }
    }
    try (InputStream in = store.open(stored)) {
      assertThat(ClassHistograms.of(in).entries()).isEqualTo(h.entries());
    }
  }

  @org.junit.jupiter.api.Test
  void aTaskBehindABalancerStillCompressesSoItsResponseStartsBeforeTheDump() throws Exception {
    DumpCapture capture =
        new DumpCapture(
            HeapdumpClient.create(Duration.ofSeconds(5)),
            store,
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
            analysers,
            timer);
    AtomicLong onTheWire = new AtomicLong();
    CaptureReport r =
        capture.capture(
            new Target(task.taskId(), "test", "svc", task.base(), true), onTheWire::set);

    assertThat(r.outcome()).as(r.message()).isEqualTo(CaptureOutcome.STORED);
    assertThat(r.stored().orElseThrow().objectKey()).endsWith(".hprof.gz");
    assertThat(onTheWire.get()).isEqualTo(r.stored().orElseThrow().sizeBytes());
  }
}
