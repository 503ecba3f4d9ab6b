package io.heapfleet.collector.bench;

import io.heapfleet.auth.Compression;
import io.heapfleet.auth.HourlyToken;
import io.heapfleet.auth.Secret;
import io.heapfleet.auth.TaskCredentials;
import io.heapfleet.collector.capture.CaptureOutcome;
import io.heapfleet.collector.capture.CaptureReport;
import io.heapfleet.collector.capture.DumpCapture;
import io.heapfleet.collector.discovery.Target;
import io.heapfleet.endpoint.HeapfleetHeaders;
import io.heapfleet.endpoint.WireEncoding;
import io.heapfleet.endpoint.client.DumpRequest;
import io.heapfleet.endpoint.client.DumpResponse;
import io.heapfleet.endpoint.client.HeapdumpClient;
import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.EmbeddedS3;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
  private static final long CLK_TCK = 100; // Linux USER_HZ

  public static void main(String[] args) throws Exception {
    int mb = args.length > 0 ? Integer.parseInt(args[0]) : 1100;
    Path agent = Path.of(args.length > 1 ? args[1] : "agent-endpoint/target/heapfleet-agent.jar");
    Path work = Files.createTempDirectory("heapfleet-cost");
    List<String> taskLog = new ArrayList<>();
    Process task = startTask(mb, agent, work, taskLog);
    try (EmbeddedS3 s3 = EmbeddedS3.filesystem(work.resolve("s3"), "heapfleet")) {
      URI base = awaitTask(task, taskLog);
      System.out.printf(
          Locale.ROOT,
          "task: %s; %s %s, %d CPUs, load average %s%n%n",
          lastLine(taskLog, "CostTaskApp: holding"),
          System.getProperty("java.vm.name"),
          System.getProperty("java.runtime.version"),
          Runtime.getRuntime().availableProcessors(),
          Files.readString(Path.of("/proc/loadavg")).trim());
      taskSide(base, task, taskLog);
      endToEnd(base, task, taskLog, s3);
      System.out.printf(
          Locale.ROOT,
          "%npeak RSS: task %s MiB, collector+S3 %s MiB%n",
          status(task.pid(), "VmHWM") / 1024,
          status(ProcessHandle.current().pid(), "VmHWM") / 1024);
    } finally {
      task.destroyForcibly();
      task.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static void taskSide(URI base, Process task, List<String> taskLog) throws Exception {
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
      int lines = taskLog.size();
      double cpu0 = cpuSeconds(task.pid());
      long t0 = System.nanoTime();
      long sent = 0;
      try (DumpResponse r = client.open(base, token, DumpRequest.defaults().withFormat(format))) {
        InputStream in = r.body();
        byte[] buf = new byte[256 * 1024];
        int n;
        while ((n = in.read(buf)) != -1) {
          sent += n;
        }
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      String audit = awaitAudit(taskLog, lines);
      double cpu1 = cpuSeconds(task.pid());
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

  private static void endToEnd(URI base, Process task, List<String> taskLog, EmbeddedS3 s3)
      throws Exception {
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
        int lines = taskLog.size();
        double cpu0 = cpuSeconds(task.pid());
        double own0 = ownCpuSeconds();
        long[] wire = {0};
        long t0 = System.nanoTime();
        CaptureReport r =
            capture.capture(new Target("cost-task", "bench", "svc", base, false), n -> wire[0] = n);
        double wall = (System.nanoTime() - t0) / 1e9;
        double own1 = ownCpuSeconds();
        String audit = awaitAudit(taskLog, lines);
        double cpu1 = cpuSeconds(task.pid());
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

  private static Process startTask(int mb, Path agent, Path work, List<String> log)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + (mb * 2) + "m");
    cmd.add("-Xms" + (mb * 2) + "m");
    cmd.add("-javaagent:" + agent.toAbsolutePath() + "=bind=127.0.0.1,port=0");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(CostTaskApp.class.getName());
    cmd.add(Integer.toString(mb));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("HEAPFLEET_") || k.startsWith("ECS_"));
    pb.environment().put("HEAPFLEET_SECRET", SECRET);
    pb.environment().put("HEAPFLEET_TASK_ID", "cost-task");
    pb.environment().put("HEAPFLEET_MIN_INTERVAL", "0");
    pb.environment().put("HEAPFLEET_TEMP_DIR", work.toString());
    pb.environment().put("HEAPFLEET_DISK_RESERVE", "0");
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  synchronized (log) {
                    log.add(line);
                    log.notifyAll();
                  }
                }
              } catch (java.io.IOException e) {
                // the task ended
              }
            });
    reader.setDaemon(true);
    reader.start();
    return p;
  }

  private static URI awaitTask(Process task, List<String> log) throws Exception {
    Pattern listening = HeapfleetHeaders.LISTENING_LINE;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
    while (System.nanoTime() < deadline && task.isAlive()) {
      synchronized (log) {
        String port = null;
        boolean holding = false;
        for (String line : log) {
          Matcher m = listening.matcher(line);
          if (m.find()) {
            port = m.group(1);
          }
          holding |= line.startsWith("CostTaskApp: holding");
        }
        if (port != null && holding) {
          return URI.create("http://127.0.0.1:" + port);
        }
        log.wait(1000);
      }
    }
    throw new IllegalStateException("the task did not start:\n" + String.join("\n", log));
  }

  /** The task's audit line of the request that ends after line {@code from}. */
  private static String awaitAudit(List<String> log, int from) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline) {
      synchronized (log) {
        for (int i = log.size() - 1; i >= from; i--) {
          if (log.get(i).contains("request=\"GET /heapdump?") && log.get(i).contains(" cpuMs=")) {
            return log.get(i);
          }
        }
        log.wait(200);
      }
    }
    throw new IllegalStateException("no audit line from the task");
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

  private static String lastLine(List<String> log, String prefix) {
    synchronized (log) {
      for (int i = log.size() - 1; i >= 0; i--) {
        if (log.get(i).startsWith(prefix)) {
          return log.get(i).substring("CostTaskApp: ".length());
        }
      }
    }
    return "?";
  }

  /** utime + stime of a process, from {@code /proc/<pid>/stat}. */
  private static double cpuSeconds(long pid) throws Exception {
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
