package io.heapfleet.endpoint;

import io.heapfleet.auth.Compression;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code /heapdump}: the query (400), the {@link DumpGate} (429), whether this JVM can dump (503),
 * the {@link DiskHeadroom} (507), then the dump into a fresh temp file by the {@link HeapDumper}
 * strategy, delivered one of two ways: dumped first and then sent (raw, or keep-alive off), or a
 * response that starts at once and keeps the connection busy while the dump is taken. Any failure
 * before the response is handed over deletes the temp file and leaves the gate. Thread-safe.
 */
final class DumpRoute implements RouteHandler {

  // The endpoint's logger name, which log configurations already use.
  private static final Logger LOG = Logger.getLogger(HeapdumpEndpoint.class.getName());

  private final EndpointSettings settings;
  private final String taskId;
  private final Answers answers;
  private final HeapDumper dumper;
  private final DumpGate gate;
  private final DiskHeadroom headroom;
  private final Clock clock;

  DumpRoute(
      EndpointSettings settings,
      String taskId,
      Answers answers,
      HeapDumper dumper,
      FreeSpaceProbe freeSpace,
      Clock clock) {
    this.settings = settings;
    this.taskId = taskId;
    this.answers = answers;
    this.dumper = dumper;
    this.gate = new DumpGate(settings.minInterval(), clock);
    this.headroom = new DiskHeadroom(settings.tempDir(), settings.diskReserve(), freeSpace);
    this.clock = clock;
  }

  @Override
  public EndpointResponse answer(EndpointRequest request, Audit audit) {
    DumpQuery query = DumpQuery.of(request, settings.defaultFormat());
    if (!query.valid()) {
      return answers.error(400, "bad_request", query.problem(), audit.outcome("bad-request"));
    }
    audit.detail("format", query.format().id()).detail("live", query.live());
    return dump(query.format(), query.live(), audit);
  }

  private EndpointResponse dump(Compression format, boolean live, Audit audit) {
    DumpGate.Admission admission = gate.enter(answers, audit);
    if (!admission.admitted()) {
      return admission.refusal();
    }
    boolean handedOver = false;
    Path file = null;
    try {
      dumper.checkAvailable();
      long heapUsed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      Optional<String> shortfall = headroom.shortfall(heapUsed);
      if (shortfall.isPresent()) {
        return answers.error(
            507, "insufficient_storage", shortfall.get(), audit.outcome("insufficient-storage"));
      }
      // HotSpot refuses to overwrite a file: reserve a unique name, then free it for the dump.
      file = Files.createTempFile(headroom.dir(), "heapfleet-" + taskId + "-", ".hprof");
      Files.delete(file);
      long cpuStart = processCpuNanos();
      Runnable release =
          () -> {
            // The task's whole cost of this request: the dump, reading the file, encoding, sending.
            audit.detail("cpuMs", cpuMillisSince(cpuStart));
            gate.exitAfterDump(admission);
          };
      EndpointResponse response =
          format != Compression.RAW && !settings.keepAlive().isZero()
              ? startedDump(file, format, live, admission, heapUsed, release, audit)
              : finishedDump(file, format, live, heapUsed, release, audit);
      handedOver = true;
      return response;
    } catch (HeapDumpUnavailableException e) {
      return answers.error(
          503,
          "unavailable",
          "this JVM cannot dump its heap: " + e.getMessage(),
          audit.outcome("unavailable"));
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "heapfleet: heap dump failed", e);
      return answers.error(
          500, "dump_failed", "the heap dump failed: " + e, audit.outcome("failed"));
    } finally {
      if (!handedOver) {
        deleteQuietly(file);
        gate.exit();
      }
    }
  }

  /** Dumps, then answers with the dump's figures as headers; the body streams the file. */
  private EndpointResponse finishedDump(
      Path file, Compression format, boolean live, long heapUsed, Runnable release, Audit audit)
      throws IOException {
    long t0 = System.nanoTime();
    long cpu0 = processCpuNanos();
    dumper.dumpHeap(file, live);
    DumpHeaders.Figures figures = figures(file, t0, cpu0);
    Map<String, String> h =
        DumpHeaders.start(answers.taskHeaders(), taskId, figures.dumpedAt, format, live);
    h.put(HeapfleetHeaders.TIME, figures.dumpedAt.toString());
    h.put(HeapfleetHeaders.HEAP_USED, Long.toString(heapUsed));
    figures.putAfterTime(h);
    audit.detail("heapUsed", heapUsed);
    figures.audit(audit);
    return EndpointResponse.dump(h, file, format, release, audit.outcome("ok"));
  }

  /**
   * A response that starts now and takes the dump while it keeps the connection busy (see {@link
   * KeepAliveEncoder}): a load balancer's idle timeout never sees a silent connection, except
   * during the JVM's own pause. Figures known only after the dump go in the stream's trailer.
   */
  private EndpointResponse startedDump(
      Path file,
      Compression format,
      boolean live,
      DumpGate.Admission admission,
      long heapUsed,
      Runnable release,
      Audit audit) {
    Map<String, String> h =
        DumpHeaders.start(answers.taskHeaders(), taskId, admission.at(), format, live);
    h.put(HeapfleetHeaders.HEAP_USED, Long.toString(heapUsed));
    h.put(HeapfleetHeaders.STREAM, HeapfleetHeaders.STREAM_KEEPALIVE);
    audit.detail("heapUsed", heapUsed);
    EndpointResponse.DumpJob job =
        () -> {
          long t0 = System.nanoTime();
          long cpu0 = processCpuNanos();
          try {
            dumper.dumpHeap(file, live);
          } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "heapfleet: heap dump failed after the response started", e);
            audit.outcome("failed");
            throw new IOException("the heap dump failed: " + e, e);
          }
          DumpHeaders.Figures figures = figures(file, t0, cpu0);
          figures.audit(audit);
          return DumpHeaders.trailer(figures);
        };
    return EndpointResponse.keepAliveDump(
        h, file, format, settings.keepAlive(), job, release, audit.outcome("ok"));
  }

  /** The figures of a dump that began at {@code t0}; records it as the gate's last dump. */
  private DumpHeaders.Figures figures(Path file, long t0, long cpu0) throws IOException {
    long dumpMillis = (System.nanoTime() - t0) / 1_000_000;
    long dumpCpuMillis = cpuMillisSince(cpu0);
    Instant dumpedAt = clock.instant();
    gate.dumped(dumpedAt);
    return new DumpHeaders.Figures(dumpedAt, Files.size(file), dumpMillis, dumpCpuMillis);
  }

  /**
   * CPU time of this whole process so far (every thread, the VM's own included: the dump is written
   * by the VM thread, not the request's), or -1 where the JVM does not say.
   */
  static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean) {
      return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
    }
    return -1;
  }

  /** Process CPU milliseconds since {@code startNanos}, or -1 when unknown. */
  static long cpuMillisSince(long startNanos) {
    long now = processCpuNanos();
    return startNanos < 0 || now < 0 ? -1 : (now - startNanos) / 1_000_000;
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.log(
          Level.WARNING, "heapfleet: could not delete temp dump {0}: {1}", new Object[] {file, e});
    }
  }
}
