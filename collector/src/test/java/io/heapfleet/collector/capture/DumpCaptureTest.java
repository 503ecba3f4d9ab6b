package io.heapfleet.collector.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.auth.Compression;
import io.heapfleet.auth.HourlyToken;
import io.heapfleet.auth.Secret;
import io.heapfleet.auth.TaskCredentials;
import io.heapfleet.collector.discovery.Target;
import io.heapfleet.collector.testing.CaptureRig;
import io.heapfleet.collector.testing.TargetApp;
import io.heapfleet.collector.testing.TaskJvm;
import io.heapfleet.endpoint.client.HeapdumpClient;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@link DumpCapture} against real task JVMs with the real agent and a real in-process S3: the
 * happy path, a task killed mid-dump, S3 refusing writes, and a wrong token.
 */
class DumpCaptureTest {
  @TempDir static Path dir;
  static CaptureRig rig;
  static TaskJvm small;

  @BeforeAll
  static void start() throws Exception {
    rig = CaptureRig.start(dir);
    small = TaskJvm.task("task-small").targetApp(2, 5000).start();
  }

  @AfterAll
  static void stop() {
    if (small != null) {
      small.close();
    }
    if (rig != null) {
      rig.close();
    }
  }

  static Supplier<TaskCredentials> token(String secret) {
    TaskCredentials c = TaskCredentials.of(Secret.of(secret, false), HourlyToken.DEFAULT_SCOPE);
    return () -> c;
  }

  static DumpCapture capture(Supplier<TaskCredentials> token) {
    return new DumpCapture(
        HeapdumpClient.create(Duration.ofSeconds(5)),
        rig.store(),
        token,
        new DumpCapture.Settings(
            Duration.ofMinutes(2), Duration.ofSeconds(20), true, Compression.GZIP, 1 << 20, 5),
        Clock.systemUTC(),
        rig.analysers(),
        rig.timer());
  }

  static Target target(TaskJvm jvm) {
    return new Target(jvm.taskId(), "test", "svc-" + jvm.taskId(), jvm.base(), false);
  }

  List<S3Object> objects(String taskId) {
    return rig.client()
        .listObjectsV2(
            b -> b.bucket("heapfleet").prefix("heapdumps/test/svc-" + taskId + "/" + taskId + "/"))
        .contents();
  }

  int openMultipartUploads() {
    return rig.client().listMultipartUploads(b -> b.bucket("heapfleet")).uploads().size();
  }

  @Test
  void storesTheDumpAndComputesItsHistogramFromTheSameBytes() throws Exception {
    CaptureReport r = capture(token(TaskJvm.SECRET)).capture(target(small));

    assertThat(r.outcome()).as(r.message()).isEqualTo(CaptureOutcome.STORED);
    ClassHistogram h = r.histogram().orElseThrow();
    assertThat(h.get(TargetApp.Order.class.getName()).orElseThrow().instances()).isEqualTo(5000);
    var stored = r.stored().orElseThrow();
    assertThat(stored.objectKey())
        .startsWith("heapdumps/test/svc-task-small/task-small/")
        .endsWith(".hprof.gz");
    assertThat(r.bytes()).isEqualTo(stored.sizeBytes()).isGreaterThan(2L << 20);
    // The stored object is the same dump: its histogram, read back from S3, is identical.
    try (InputStream in = rig.store().open(stored)) {
      ClassHistogram again = io.heapfleet.analysis.histogram.ClassHistograms.of(in);
      assertThat(again.entries()).isEqualTo(h.entries());
    }
  }

  @Test
  void taskKilledMidDumpLeavesNoObjectAndNoParts() throws Exception {
    try (TaskJvm big = TaskJvm.task("task-dies").heap("256m").targetApp(120, 10).start()) {
      Target t = target(big);
      DumpCapture capture = capture(token(TaskJvm.SECRET));
      // Kill the JVM as soon as the first bytes of its dump have arrived.
      CaptureReport r =
          capture.capture(
              t,
              received -> {
                if (received > (1 << 20)) {
                  big.kill();
                }
              });
      assertThat(r.outcome()).as(r.message()).isEqualTo(CaptureOutcome.TRUNCATED);
      assertThat(r.message()).contains("broke after");
      assertThat(objects("task-dies")).isEmpty();
      assertThat(openMultipartUploads()).isZero();
    }
  }

  @Test
  void s3RefusingWritesFailsCleanlyAndTheNextAttemptStores() {
    DumpCapture capture = capture(token(TaskJvm.SECRET));
    rig.refusing().refuse.set(true);
    CaptureReport refused;
    try {
      refused = capture.capture(target(small));
    } finally {
      rig.refusing().refuse.set(false);
    }
    assertThat(refused.outcome()).as(refused.message()).isEqualTo(CaptureOutcome.STORAGE_ERROR);
    assertThat(refused.stored()).isEmpty();
    assertThat(openMultipartUploads()).isZero();
    int before = objects("task-small").size();

    CaptureReport retried = capture.capture(target(small));
    assertThat(retried.outcome()).as(retried.message()).isEqualTo(CaptureOutcome.STORED);
    assertThat(objects("task-small")).hasSize(before + 1);
  }

  @Test
  void aDifferentSecretLeavesTheTaskUntrustedAndStoresNothing() {
    // With another secret, the task's proof does not check out: it is sent no credential.
    CaptureReport r =
        capture(token("a-different-secret-0123456789abcdef0123456789abcdef"))
            .capture(target(small));
    assertThat(r.outcome()).isEqualTo(CaptureOutcome.UNTRUSTED);
    assertThat(r.requests()).isLessThanOrEqualTo(1);
    assertThat(r.message()).doesNotContain(TaskJvm.SECRET);
    assertThat(openMultipartUploads()).isZero();
  }
}
