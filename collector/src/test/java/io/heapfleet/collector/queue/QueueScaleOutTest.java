package io.heapfleet.collector.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.collector.discovery.Discovery;
import io.heapfleet.collector.discovery.Target;
import io.heapfleet.collector.state.TaskStatus;
import io.heapfleet.collector.testing.MutableClock;
import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.EmbeddedS3;
import io.heapfleet.storage.S3Clients;
import io.heapfleet.storage.S3Settings;
import io.heapfleet.storage.StoredDump;
import io.heapfleet.storage.TaskRef;
import io.heapfleet.testsupport.ChildProcess;
import io.heapfleet.testsupport.JavaCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * Queue-backed scale-out end to end: a planner, three workers, SQS FIFO (ElasticMQ in process,
 * through the real SDK client), S3 (S3Proxy in process) and fake tasks running the real {@code
 * /heapdump} endpoint with a small real dump.
 */
class QueueScaleOutTest {
  private static final Duration INTERVAL = Duration.ofMinutes(30);

  @TempDir static Path dir;
  static EmbeddedS3 s3;
  static EmbeddedSqs sqs;
  static Path smallDump;

  @BeforeAll
  static void start() throws Exception {
    s3 = EmbeddedS3.filesystem(dir.resolve("s3"), "heapfleet");
    sqs = new EmbeddedSqs();
    smallDump = SmallDump.make(dir.resolve("small.hprof"), 1);
  }

  @AfterAll
  static void stop() {
    if (sqs != null) {
      sqs.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  static DumpStore store(String prefix) {
    return DumpStore.create(
        s3.settings().withPrefix(prefix).withPartSize(S3Settings.MIN_PART_SIZE));
  }

  static Discovery fixed(List<Target> targets) {
    return new Discovery() {
      @Override
      public List<Target> discover() {
        return targets;
      }

      @Override
      public String describe() {
        return "fixed " + targets.size() + " tasks";
      }
    };
  }

  static QueuePlanner planner(
      List<Target> targets, CaptureQueue queue, DumpStore store, MutableClock clock) {
    return new QueuePlanner(
        fixed(targets),
        DueCaptures.fixedInterval(
            INTERVAL,
            Duration.ZERO,
            Duration.ofMinutes(1),
            Duration.ofMinutes(10),
            clock,
            new SplittableRandom(1)),
        queue,
        new FleetIndex(store),
        INTERVAL,
        Duration.ofMinutes(1),
        clock);
  }

  static void await(String what, Duration timeout, BooleanSupplier done) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  static boolean idle(CaptureQueue queue, List<Workers.Worker> workers) {
    return queue.backlog() == 0 && workers.stream().allMatch(w -> w.worker().busy() == 0);
  }

  @Test
  void threeWorkersCaptureEveryDueTaskOnceARoundAtMostKPerServiceAndShowTheSameFleet()
      throws Exception {
    int k = 2;
    String prefix = "rounds";
    String url = sqs.createCaptureQueue("rounds", 5);
    MutableClock clock = new MutableClock();
    DumpStore plannerStore = store(prefix);
    CaptureQueue plannerQueue = new CaptureQueue(sqs.client(), url, k);
    List<Workers.Worker> workers = new ArrayList<>();
    try (FakeFleet fleet = new FakeFleet(6, 6, smallDump, Duration.ofMillis(300), dir)) {
      List<Target> targets = fleet.targets();
      assertThat(targets).hasSize(36);
      QueuePlanner planner = planner(targets, plannerQueue, plannerStore, clock);
      for (int i = 0; i < 3; i++) {
        Workers.Worker w =
            Workers.create(
                new CaptureQueue(sqs.client(), url, k),
                store(prefix),
                new QueueWorker.Settings(
                    3, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(2)),
                clock);
        workers.add(w);
        w.worker().start();
      }

      // Round 1: every task is due once.
      assertThat(planner.planRound().queued()).isEqualTo(36);
      await("round 1", Duration.ofMinutes(3), () -> fleet.log.total() >= 36);
      await("round 1 settled", Duration.ofMinutes(1), () -> idle(plannerQueue, workers));

      // Planned again in the same slot: by the same planner (nothing is due) and by a second
      // planner that knows nothing (as during a deployment): SQS drops the duplicates, and a worker
      // would not capture a slot that is stored already.
      assertThat(planner.planRound().queued()).isZero();
      QueuePlanner second = planner(targets, plannerQueue, plannerStore, clock);
      assertThat(second.planRound().queued()).isEqualTo(36);
      Thread.sleep(2000); // long enough for three idle workers to pick up anything that got through
      await("duplicates settled", Duration.ofMinutes(1), () -> idle(plannerQueue, workers));
      for (Target t : targets) {
        assertThat(fleet.log.dumps(t.taskId())).as(t.taskId()).isEqualTo(1);
        assertThat(series(plannerStore, t)).as(t.taskId()).hasSize(1);
      }

      // Round 2, an interval later: every task once more.
      clock.advance(INTERVAL.plusMinutes(1));
      assertThat(planner.planRound().queued()).isEqualTo(36);
      await("round 2", Duration.ofMinutes(3), () -> fleet.log.total() >= 72);
      await("round 2 settled", Duration.ofMinutes(1), () -> idle(plannerQueue, workers));
      for (Target t : targets) {
        assertThat(fleet.log.dumps(t.taskId())).as(t.taskId()).isEqualTo(2);
        assertThat(series(plannerStore, t)).as(t.taskId()).hasSize(2);
      }

      // The endpoints' own log: never more than k dumps of one service at once.
      Map<String, Integer> most = fleet.log.maxAtOnce();
      assertThat(most).hasSize(6);
      assertThat(most.values()).allSatisfy(n -> assertThat(n).isBetween(1, k));

      // Every worker, caught up from S3, shows the same fleet: 36 live tasks, two dumps each,
      // the same keys and trends.
      List<Map<String, String>> views = new ArrayList<>();
      for (Workers.Worker w : workers) {
        new FleetIndex(plannerStore).refresh(w.state(), w.analysis());
        views.add(view(w.state().tasks(id -> null)));
      }
      assertThat(views.get(0)).hasSize(36);
      assertThat(views.get(0).values()).allSatisfy(v -> assertThat(v).startsWith("live 2 "));
      assertThat(views.get(1)).isEqualTo(views.get(0));
      assertThat(views.get(2)).isEqualTo(views.get(0));
    } finally {
      workers.forEach(w -> w.worker().stop(Duration.ofSeconds(5)));
    }
  }

  private static List<StoredDump> series(DumpStore store, Target t) {
    return store.listSeries(new TaskRef(t.cluster(), t.service(), t.taskId()));
  }

  private static Map<String, String> view(List<TaskStatus> tasks) {
    return tasks.stream()
        .collect(
            Collectors.toMap(
                TaskStatus::taskId,
                t ->
                    (t.live() ? "live " : "ended ")
                        + t.snapshots()
                        + " "
                        + t.lastCapture().key()
                        + " "
                        + t.heapUsedBytes()
                        + " "
                        + t.assessment()));
  }

  @Test
  void aWorkerKilledMidCaptureLeavesItToAnotherWithOneObjectAndNoOpenUpload() throws Exception {
    String prefix = "killed";
    String url = sqs.createCaptureQueue("killed", 5);
    MutableClock clock = new MutableClock();
    DumpStore store = store(prefix);
    CaptureQueue queue = new CaptureQueue(sqs.client(), url, 1);
    Path big = SmallDump.make(dir.resolve("big.hprof"), 12);
    ChildProcess child = null;
    List<Workers.Worker> workers = new ArrayList<>();
    try (FakeFleet fleet = new FakeFleet(0, 0, smallDump, Duration.ZERO, dir)) {
      Target direct = fleet.start("svc-slow", "task-slow", big, Duration.ZERO, dir);
      try (ThrottlingProxy slow = new ThrottlingProxy(direct.baseUri(), 2 << 20)) {
        Target target =
            new Target(direct.taskId(), direct.cluster(), direct.service(), slow.uri(), false);
        child = startWorkerProcess(url, prefix, 4);
        assertThat(planner(List.of(target), queue, store, clock).planRound().queued()).isEqualTo(1);
        // Killed once its multipart upload has begun (the first 5 MiB part is in S3).
        await("the child's upload", Duration.ofMinutes(1), () -> !openUploads(prefix).isEmpty());
        child.kill();
        assertThat(child.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(openUploads(prefix)).hasSize(1);

        Workers.Worker w =
            Workers.create(
                queue,
                store,
                new QueueWorker.Settings(
                    1, Duration.ofSeconds(4), Duration.ofSeconds(1), Duration.ofSeconds(2)),
                clock);
        workers.add(w);
        w.worker().start();
        await(
            "the capture on the surviving worker",
            Duration.ofMinutes(2),
            () -> series(store, target).size() == 1 && idle(queue, workers));
        assertThat(fleet.log.dumps("task-slow")).isEqualTo(2);
        assertThat(series(store, target)).hasSize(1);
        assertThat(series(store, target).get(0).sizeBytes()).isGreaterThan(10L << 20);
        assertThat(openUploads(prefix)).isEmpty();
      }
    } finally {
      if (child != null) {
        child.close();
      }
      workers.forEach(w -> w.worker().stop(Duration.ofSeconds(5)));
    }
  }

  private static List<MultipartUpload> openUploads(String prefix) {
    try (S3Client client = S3Clients.create(s3.settings())) {
      return client.listMultipartUploads(b -> b.bucket(s3.bucket()).prefix(prefix + "/")).uploads();
    }
  }

  /** A worker in its own JVM ({@link WorkerProcess}), started and ready to take messages. */
  private static ChildProcess startWorkerProcess(String url, String prefix, int visibilitySeconds)
      throws Exception {
    ChildProcess child =
        JavaCommand.withHeap("128m")
            .main(WorkerProcess.class)
            .args(
                sqs.endpoint().toString(),
                url,
                s3.endpoint().toString(),
                s3.bucket(),
                prefix,
                Integer.toString(visibilitySeconds))
            .process("worker-process")
            .env(
                "HEAPFLEET_TEST_S3_SECRET", s3.credentials().resolveCredentials().secretAccessKey())
            .logTo(dir.resolve("worker-process.log"))
            .start();
    try {
      child.awaitLine(Pattern.compile("^ready$"), Duration.ofMinutes(1));
      return child;
    } catch (AssertionError | InterruptedException e) {
      child.close();
      throw e;
    }
  }
}
