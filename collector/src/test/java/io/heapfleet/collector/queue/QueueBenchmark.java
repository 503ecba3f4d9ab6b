package io.heapfleet.collector.queue;

import io.heapfleet.collector.discovery.Discovery;
import io.heapfleet.collector.discovery.Target;
import io.heapfleet.collector.testing.MutableClock;
import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.EmbeddedS3;
import io.heapfleet.storage.S3Clients;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The queue mode's benchmark (run by {@code collector/bench/queue.sh}, not by {@code mvn verify}):
 *
 * <ol>
 *   <li>planner cost of one round for {@code tasks} tasks (discovery excluded: a fixed list), and
 *       of a round in which nothing is due;
 *   <li>one worker capturing from fake tasks that stream a prebuilt real dump at a fixed rate:
 *       captures per hour per worker, the ratio of a capture's time to the time the bytes need at
 *       that rate, and SQS and S3 requests per capture.
 * </ol>
 *
 * Arguments: tasks (2000), dump MB held by the dumped JVM (64), stream rate MB/s (16), captures
 * (12), worker concurrency (2), work dir.
 */
public final class QueueBenchmark {

  /** Counts the S3 requests of one client. */
  static final class Counter implements ExecutionInterceptor {
    final AtomicLong requests = new AtomicLong();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      requests.incrementAndGet();
    }
  }

  public static void main(String[] args) throws Exception {
    int tasks = Integer.parseInt(args[0]);
    int dumpMb = Integer.parseInt(args[1]);
    long rate = Long.parseLong(args[2]) << 20;
    int captures = Integer.parseInt(args[3]);
    int concurrency = Integer.parseInt(args[4]);
    Path dir = Path.of(args[5]);
    Files.createDirectories(dir);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Duration interval = Duration.ofMinutes(30);
    try (EmbeddedS3 s3 = EmbeddedS3.filesystem(dir.resolve("s3"), "heapfleet");
        EmbeddedSqs sqs = new EmbeddedSqs()) {
      // 1. Planner.
      String planUrl = sqs.createCaptureQueue("plan", 5);
      List<Target> fleet = new ArrayList<>();
      for (int i = 0; i < tasks; i++) {
        fleet.add(
            new Target(
                String.format("task-%05d", i),
                "prod",
                "svc-" + (i % 50),
                URI.create("http://127.0.0.1:9/"),
                false));
      }
      MutableClock clock = new MutableClock();
      CaptureQueue planQueue = new CaptureQueue(sqs.client(), planUrl, 1);
      DumpStore planStore = DumpStore.create(s3.settings().withPrefix("plan"));
      QueuePlanner planner =
          new QueuePlanner(
              fixed(fleet),
              DueCaptures.fixedInterval(
                  interval,
                  Duration.ZERO,
                  Duration.ofMinutes(1),
                  Duration.ofMinutes(10),
                  clock,
                  new SplittableRandom(1)),
              planQueue,
              new FleetIndex(planStore),
              interval,
              Duration.ofMinutes(1),
              clock);
      long cpu0 = threads.getCurrentThreadCpuTime();
      long sqs0 = planQueue.requests();
      QueuePlanner.Round full = planner.planRound();
      long cpuFull = threads.getCurrentThreadCpuTime() - cpu0;
      long sqsFull = planQueue.requests() - sqs0;
      clock.advance(Duration.ofSeconds(15));
      cpu0 = threads.getCurrentThreadCpuTime();
      QueuePlanner.Round idle = planner.planRound();
      long cpuIdle = threads.getCurrentThreadCpuTime() - cpu0;
      System.out.printf(
          "planner, %d tasks: full round %d queued in %d ms (%d ms CPU on the planner thread),"
              + " %d SQS requests; idle round %d queued in %d ms (%d ms CPU)%n",
          tasks,
          full.queued(),
          full.took().toMillis(),
          cpuFull / 1_000_000,
          sqsFull,
          idle.queued(),
          idle.took().toMillis(),
          cpuIdle / 1_000_000);

      // 2. One worker.
      Path dump = SmallDump.make(dir.resolve("bench.hprof"), dumpMb);
      String workUrl = sqs.createCaptureQueue("work", 5);
      Counter s3Requests = new Counter();
      S3Client counted = S3Clients.create(s3.settings(), s3Requests);
      DumpStore store =
          new DumpStore(counted, s3.settings().withPrefix("work").withPartSize(16 << 20));
      CaptureQueue workQueue = new CaptureQueue(sqs.client(), workUrl, 1);
      List<ThrottlingProxy> proxies = new ArrayList<>();
      try (FakeFleet fakes = new FakeFleet(0, 0, dump, Duration.ZERO, dir)) {
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < captures; i++) {
          Target t =
              fakes.start("svc-" + i, String.format("bench-%03d", i), dump, Duration.ZERO, dir);
          ThrottlingProxy p = new ThrottlingProxy(t.baseUri(), rate);
          proxies.add(p);
          targets.add(new Target(t.taskId(), t.cluster(), t.service(), p.uri(), false));
        }
        Workers.Worker w =
            Workers.create(
                workQueue,
                store,
                new QueueWorker.Settings(
                    concurrency,
                    Duration.ofMinutes(2),
                    Duration.ofSeconds(1),
                    Duration.ofMinutes(1)),
                clock);
        List<CaptureMessage> messages = new ArrayList<>();
        for (Target t : targets) {
          messages.add(CaptureMessage.due(t, clock.instant(), interval));
        }
        workQueue.send(messages);
        long sqsBefore = workQueue.requests();
        long s3Before = s3Requests.requests.get();
        long t0 = System.nanoTime();
        w.worker().start();
        while (fakes.log.total() < captures || workQueue.backlog() > 0 || w.worker().busy() > 0) {
          Thread.sleep(50);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        w.worker().stop(Duration.ofSeconds(5));
        long stored = 0;
        for (Target t : targets) {
          stored +=
              store
                  .listSeries(
                      new io.heapfleet.storage.TaskRef(t.cluster(), t.service(), t.taskId()))
                  .get(0)
                  .sizeBytes();
        }
        double perCapture = stored / (double) captures;
        double physical = perCapture / rate; // seconds the bytes need at the stream rate
        double perHour = captures / seconds * 3600;
        System.out.printf(
            "worker, concurrency %d: %d captures of %.1f MB (gzip; HPROF %.1f MB) streamed at %d MB/s"
                + " in %.1f s: %.0f captures/hour/worker; one capture %.2f s of wall time per slot vs"
                + " %.2f s to stream its bytes (ratio %.2f)%n",
            concurrency,
            captures,
            perCapture / 1e6,
            Files.size(dump) / 1e6,
            rate >> 20,
            seconds,
            perHour,
            seconds * concurrency / captures,
            physical,
            seconds * concurrency / captures / physical);
        System.out.printf(
            "requests per capture: SQS %.1f (incl. the worker's idle long polls; the send is the"
                + " planner's 0.1), S3 %.1f%n",
            (workQueue.requests() - sqsBefore) / (double) captures,
            (s3Requests.requests.get() - s3Before) / (double) captures);
        System.out.printf(
            "peak RSS of this JVM (S3Proxy, ElasticMQ, endpoints and worker): %s%n", peakRss());
      } finally {
        for (ThrottlingProxy p : proxies) {
          p.close();
        }
      }
    }
    System.exit(0);
  }

  private static String peakRss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return line.substring(6).trim();
        }
      }
    } catch (java.io.IOException e) {
      // not Linux
    }
    return "unknown";
  }

  private static Discovery fixed(List<Target> targets) {
    return new Discovery() {
      @Override
      public List<Target> discover() {
        return targets;
      }

      @Override
      public String describe() {
        return "fixed";
      }
    };
  }
}
