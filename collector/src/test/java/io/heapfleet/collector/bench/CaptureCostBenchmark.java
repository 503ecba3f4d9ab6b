package io.heapfleet.collector.bench;

import io.heapfleet.auth.Compression;
import io.heapfleet.auth.HourlyToken;
import io.heapfleet.auth.Secret;
import io.heapfleet.auth.TaskCredentials;
import io.heapfleet.collector.capture.CaptureOutcome;
import io.heapfleet.collector.capture.CaptureReport;
import io.heapfleet.collector.capture.DumpCapture;
import io.heapfleet.collector.discovery.Target;
import io.heapfleet.endpoint.WireEncoding;
import io.heapfleet.endpoint.client.DumpRequest;
import io.heapfleet.endpoint.client.DumpResponse;
import io.heapfleet.endpoint.client.HeapdumpClient;
import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.EmbeddedS3;
import io.heapfleet.testsupport.AgentTask;
import io.heapfleet.testsupport.ChildProcess;
import io.heapfleet.testsupport.JavaCommand;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one capture costs the task, and how long it takes to reach S3, for each way of encoding the
 * dump. A child JVM (the task: {@link CostTaskApp} with the real javaagent) holds N MiB of
 * application-like heap; this process is the collector (the real {@link DumpCapture}) and the
 * in-process S3.
 *
 * <ol>
 *   <li>Task side: one {@code GET /heapdump} per format (raw, gzip, zstd), read to the end and
 *       dropped: pause, the task's CPU ({@code /proc/<pid>/stat}, the whole process, before and
 *       after), wall time to the last byte, bytes written to the task's disk and sent.
 *   <li>End to end: one capture per collector setting (task compresses gzip / zstd, collector
 *       compresses gzip / zstd from raw, raw stored): wall time from request to the object stored
 *       with its histogram, the task's CPU, the collector's CPU (this process, S3 included).
 * </ol>
 *
 * Prints Markdown tables. Run with {@code collector/bench/capture-cost.sh [MiB]}; not part of
 * {@code mvn verify}.
 */
public final class CaptureCostBenchmark {

  private static final String SECRET = "bench-secret-0123456789abcdef0123456789abcdef";
  private static final Pattern AUDIT_FIGURE =
      Pattern.compile("\\b(bytes|durationMs|dumpMs|dumpCpuMs|cpuMs|hprofBytes)=(\\d+)");
  private static final Pattern AUDIT_LINE =
      Pattern.compile(".*request=\"GET /heapdump\\?.* cpuMs=.*");
  private static final Pattern HOLDING = Pattern.compile("CostTaskApp: (holding .*)");
  private static final long CLK_TCK = 100; // Linux USER_HZ

  public static void main(String[] args) throws Exception {
    int mb = args.length > 0 ? Integer.parseInt(args[0]) : 1100;
    Path agent = Path.of(args.length > 1 ? args[1] : "agent-endpoint/target/heapfleet-agent.jar");
    Path work = Files.createTempDirectory("heapfleet-cost");
    try (AgentTask task = startTask(mb, agent, work);
        EmbeddedS3 s3 = EmbeddedS3.filesystem(work.resolve("s3"), "heapfleet")) {
      String holding = task.child().awaitLine(HOLDING, Duration.ofMinutes(15)).group(1);
      System.out.printf(
          Locale.ROOT,
          "task: %s; %s %s, %d CPUs, load average %s%n%n",
          holding,
          System.getProperty("java.vm.name"),
          System.getProperty("java.runtime.version"),
          Runtime.getRuntime().availableProcessors(),
          Files.readString(Path.of("/proc/loadavg")).trim());
      taskSide(task);
      endToEnd(task, s3);
      System.out.printf(
          Locale.ROOT,
          "%npeak RSS: task %s MiB, collector+S3 %s MiB%n",
          status(task.child().process().pid(), "VmHWM") / 1024,
          status(ProcessHandle.current().pid(), "VmHWM") / 1024);
    }
  }

  private static void taskSide(AgentTask task) throws Exception {
    System.out.println("Task side: one GET /heapdump, read to the end over loopback");
    System.out.println();
    System.out.println(
        "| format | pause | dump CPU (in pause) | task CPU, whole request | wall to last byte |"
            + " written to task disk | sent | sent / HPROF |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    HeapdumpClient client = HeapdumpClient.create();
    for (Compression format :
        new Compression[] {Compression.RAW, Compression.GZIP, Compression.ZSTD}) {
      String token = HourlyToken.compute(Secret.of(SECRET, false), "heapdump", Instant.now());
      Thread.sleep(2000); // the task releases its lock just after the last byte
      ChildProcess.Mark before = task.child().mark();
      double cpu0 = cpuSeconds(task);
      long t0 = System.nanoTime();
      long sent = 0;
      try (DumpResponse r =
          client.open(task.base(), token, DumpRequest.defaults().withFormat(format))) {
        InputStream in = r.body();
        byte[] buf = new byte[256 * 1024];
        int n;
        while ((n = in.read(buf)) != -1) {
          sent += n;
        }
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      String audit = awaitAudit(task, before);
      double cpu1 = cpuSeconds(task);
      long hprof = figure(audit, "hprofBytes");
      System.out.printf(
          Locale.ROOT,
          "| %s | %.1f s | %.1f s | %.1f s | %.1f s | %s | %s | %.2f |%n",
          format.id(),
          figure(audit, "dumpMs") / 1000.0,
          figure(audit, "dumpCpuMs") / 1000.0,
          cpu1 - cpu0,
          wall,
          mib(hprof),
          mib(sent),
          sent / (double) hprof);
    }
    System.out.println();
  }

  private static void endToEnd(AgentTask task, EmbeddedS3 s3) throws Exception {
    System.out.println(
        "End to end: the collector's capture into the in-process S3 (histogram too)");
    System.out.println();
    System.out.println(
        "| stored as | compressed by | on the wire | pause | task CPU | collector+S3 CPU |"
            + " request to stored | stored |");
    System.out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    ExecutorService analysers = Executors.newCachedThreadPool();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    TaskCredentials credentials = TaskCredentials.of(Secret.of(SECRET, false), "heapdump");
    try (var s3Client = new io.heapfleet.collector.testing.RefusingS3().client(s3)) {
      DumpStore store = new DumpStore(s3Client, s3.settings().withPrefix("bench"));
      Object[][] modes = {
        {Compression.GZIP, false},
        {Compression.ZSTD, false},
        {Compression.GZIP, true},
        {Compression.ZSTD, true},
        {Compression.RAW, false}
      };
      for (Object[] mode : modes) {
        Compression format = (Compression) mode[0];
        boolean inCollector = (Boolean) mode[1];
        DumpCapture capture =
            new DumpCapture(
                HeapdumpClient.create(Duration.ofSeconds(10)),
                store,
                () -> credentials,
                new DumpCapture.Settings(
                        Duration.ofMinutes(30), Duration.ofMinutes(5), true, format, 4 << 20, 1)
                    .withCompressInCollector(inCollector),
                Clock.systemUTC(),
                analysers,
                timer);
        Thread.sleep(2000);
        ChildProcess.Mark before = task.child().mark();
        double cpu0 = cpuSeconds(task);
        double own0 = ownCpuSeconds();
        long[] wire = {0};
        long t0 = System.nanoTime();
        CaptureReport r =
            capture.capture(
                new Target("cost-task", "bench", "svc", task.base(), false), n -> wire[0] = n);
        double wall = (System.nanoTime() - t0) / 1e9;
        double own1 = ownCpuSeconds();
        String audit = awaitAudit(task, before);
        double cpu1 = cpuSeconds(task);
        if (r.outcome() != CaptureOutcome.STORED) {
          System.out.println("| " + format.id() + " | FAILED: " + r.message() + " |");
          continue;
        }
        System.out.printf(
            Locale.ROOT,
            "| %s | %s | %s | %.1f s | %.1f s | %.1f s | %.1f s | %s |%n",
            WireEncoding.hprofExtension(format),
            format == Compression.RAW ? "—" : inCollector ? "collector" : "task",
            mib(wire[0]),
            figure(audit, "dumpMs") / 1000.0,
            cpu1 - cpu0,
            own1 - own0,
            wall,
            mib(r.stored().orElseThrow().sizeBytes()));
      }
    } finally {
      analysers.shutdownNow();
      timer.shutdownNow();
    }
  }

  private static AgentTask startTask(int mb, Path agent, Path work) throws Exception {
    JavaCommand cmd =
        JavaCommand.withHeap((mb * 2) + "m")
            .options("-Xms" + (mb * 2) + "m")
            .javaAgent(agent, null)
            .main(CostTaskApp.class)
            .args(Integer.toString(mb));
    return AgentTask.start(
        cmd.process("cost-task")
            .env(AgentTask.testAgentEnv(SECRET, "cost-task"))
            .env("HEAPFLEET_TEMP_DIR", work.toString())
            .env("HEAPFLEET_DISK_RESERVE", "0"));
  }

  /** The task's audit line of the request made after {@code before}. */
  private static String awaitAudit(AgentTask task, ChildProcess.Mark before)
      throws InterruptedException {
    return task.child().awaitLine(AUDIT_LINE, Duration.ofMinutes(2), before).group();
  }

  private static long figure(String audit, String name) {
    Matcher m = AUDIT_FIGURE.matcher(audit);
    while (m.find()) {
      if (m.group(1).equals(name)) {
        return Long.parseLong(m.group(2));
      }
    }
    return -1;
  }

  /** utime + stime of a process, from {@code /proc/<pid>/stat}. */
  private static double cpuSeconds(AgentTask task) throws Exception {
    long pid = task.child().process().pid();
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields after "(comm) ": state=0 ... utime=11 stime=12
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) CLK_TCK;
  }

  private static double ownCpuSeconds() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() / 1e9;
  }

  private static long status(long pid, String field) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
  }
}
