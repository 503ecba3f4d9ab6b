package io.heapfleet.endpoint.bench;

import io.heapfleet.auth.Compression;
import io.heapfleet.auth.HourlyToken;
import io.heapfleet.auth.Secret;
import io.heapfleet.endpoint.EndpointSettings;
import io.heapfleet.endpoint.HeapdumpEndpoint;
import io.heapfleet.endpoint.TaskIdentity;
import io.heapfleet.endpoint.WireEncoding;
import io.heapfleet.endpoint.agent.AgentServer;
import io.heapfleet.endpoint.client.DumpRequest;
import io.heapfleet.endpoint.client.DumpResponse;
import io.heapfleet.endpoint.client.HeapdumpClient;
import io.heapfleet.testsupport.SessionHeap;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Measures what a dump costs through the real endpoint (in this JVM, over loopback HTTP, through
 * the real client): JVM pause, time to the last byte, bytes on the wire, for raw, gzip and zstd;
 * and, where the {@code jcmd} tool exists, HotSpot's own {@code GC.heap_dump -gz=1}. The heap is
 * built to look like an application's (strings, maps, small arrays, text-like byte arrays), not
 * random or zero bytes, which would flatter or punish compression.
 *
 * <p>Run with {@code agent-endpoint/bench/run.sh [heapMB]}; not part of {@code mvn verify}.
 */
public final class DumpBenchmark {

  static SessionHeap heap;

  public static void main(String[] args) throws Exception {
    int targetMb = args.length > 0 ? Integer.parseInt(args[0]) : 400;
    heap = SessionHeap.fill((long) targetMb << 20);
    System.out.printf(
        Locale.ROOT,
        "heap: %d sessions, %d MB used after GC, %s %s, %d CPUs%n",
        heap.sessions(),
        SessionHeap.heapUsed() >> 20,
        System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"),
        Runtime.getRuntime().availableProcessors());

    String secretText = "benchmark-secret-benchmark-secret-0123456789";
    Secret secret = Secret.of(secretText, false);
    Path tmp = Files.createTempDirectory("heapfleet-bench");
    EndpointSettings settings =
        EndpointSettings.builder(secret)
            .tempDir(tmp)
            .minInterval(Duration.ZERO)
            .diskReserve(0)
            .build();
    HeapdumpEndpoint endpoint =
        HeapdumpEndpoint.builder(
                settings,
                new TaskIdentity(
                    "bench", null, null, null, null, null, TaskIdentity.Source.CONFIG, "JVM"))
            .build();
    try (AgentServer server = AgentServer.start(endpoint, "127.0.0.1", 0)) {
      URI base = URI.create("http://127.0.0.1:" + server.port());
      HeapdumpClient client = HeapdumpClient.create();
      System.out.println(
          "| format | JVM pause (dumpHeap) | time to last byte | HPROF size | bytes sent | ratio | MB/s of HPROF |");
      System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
      for (Compression format :
          new Compression[] {
            Compression.RAW, Compression.GZIP, Compression.ZSTD, Compression.GZIP, Compression.ZSTD
          }) {
        String token = HourlyToken.compute(secret, "heapdump", Instant.now());
        // The server releases its lock just after the client has read the last byte.
        Thread.sleep(1000);
        long t0 = System.nanoTime();
        long sent = 0;
        long hprof;
        long pause;
        try (DumpResponse r = client.open(base, token, DumpRequest.defaults().withFormat(format))) {
          byte[] buf = new byte[256 * 1024];
          int n;
          InputStream in = r.body();
          while ((n = in.read(buf)) != -1) {
            sent += n;
          }
          // A stream started before the dump carries its size and pause in the trailer.
          hprof = r.hprofBytes().getAsLong();
          pause = r.pauseMillis().getAsLong();
        }
        long total = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.printf(
            Locale.ROOT,
            "| %s | %d ms | %d ms | %d MB | %.1f MB | %.1fx | %.0f |%n",
            format.id(),
            pause,
            total,
            hprof >> 20,
            sent / 1048576.0,
            (double) hprof / sent,
            (hprof / 1048576.0) / (total / 1000.0));
      }
    }
    jcmd(tmp);
    compressionCpu(tmp);
    try (var s = Files.list(tmp)) {
      s.forEach(p -> p.toFile().delete());
    }
    Files.deleteIfExists(tmp);
  }

  private static void jcmd(Path tmp) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    if (!Files.isExecutable(jcmd)) {
      System.out.println(
          "jcmd: not available in " + System.getProperty("java.home") + " (a JRE); skipped");
      return;
    }
    for (String gz : new String[] {"-gz=1"}) {
      Path file = tmp.resolve("jcmd-" + System.nanoTime() + ".hprof.gz");
      long t0 = System.nanoTime();
      Process p =
          new ProcessBuilder(
                  jcmd.toString(),
                  Long.toString(ProcessHandle.current().pid()),
                  "GC.heap_dump",
                  gz,
                  file.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes());
      p.waitFor();
      long total = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      long size = Files.exists(file) ? Files.size(file) : -1;
      System.out.printf(
          Locale.ROOT,
          "| jcmd GC.heap_dump %s (pause includes compression; file on the task's disk, not sent) | ~%d ms | %d ms (incl. jcmd start) | - | %.1f MB | - | - |%n",
          gz,
          total,
          total,
          size / 1048576.0);
      if (size < 0) {
        System.out.println("jcmd said: " + out.strip());
      }
      Files.deleteIfExists(file);
    }
  }

  /**
   * Single-thread CPU time of each encoder over one raw dump file (read from the page cache): CPU
   * time, unlike wall time, is not inflated by other processes on a busy machine.
   */
  private static void compressionCpu(Path tmp) throws Exception {
    Path file = tmp.resolve("cpu.hprof");
    new io.heapfleet.endpoint.HotSpotHeapDumper().dumpHeap(file, true);
    long size = Files.size(file);
    java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    System.out.println();
    System.out.println("| encoder (one thread) | CPU time | HPROF MB/s of CPU | output | ratio |");
    System.out.println("| --- | ---: | ---: | ---: | ---: |");
    String[] names = {
      "read only (baseline)",
      "gzip level 1 (endpoint)",
      "gzip level 6 (java default)",
      "zstd 1 MiB frames (endpoint)",
      "aircompressor ZstdOutputStream"
    };
    for (int e = 0; e < names.length; e++) {
      for (int round = 0; round < 2; round++) {
        CountingSink sink = new CountingSink();
        long cpu0 = threads.getCurrentThreadCpuTime();
        try (InputStream in = Files.newInputStream(file);
            java.io.OutputStream out = encoder(e, sink)) {
          byte[] buf = new byte[64 * 1024];
          int n;
          while ((n = in.read(buf)) != -1) {
            out.write(buf, 0, n);
          }
        }
        long cpuMs = (threads.getCurrentThreadCpuTime() - cpu0) / 1_000_000;
        if (round == 1) {
          System.out.printf(
              Locale.ROOT,
              "| %s | %d ms | %.0f | %.1f MB | %.1fx |%n",
              names[e],
              cpuMs,
              (size / 1048576.0) / Math.max(1, cpuMs) * 1000,
              sink.count / 1048576.0,
              (double) size / sink.count);
        }
      }
    }
    Files.delete(file);
  }

  private static java.io.OutputStream encoder(int e, java.io.OutputStream sink)
      throws java.io.IOException {
    switch (e) {
      case 0:
        return sink;
      case 1:
        return WireEncoding.encode(Compression.GZIP, sink);
      case 2:
        return new java.util.zip.GZIPOutputStream(sink, 64 * 1024);
      case 3:
        return WireEncoding.encode(Compression.ZSTD, sink);
      default:
        return new io.airlift.compress.zstd.ZstdOutputStream(sink);
    }
  }

  private static final class CountingSink extends java.io.OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }
}
