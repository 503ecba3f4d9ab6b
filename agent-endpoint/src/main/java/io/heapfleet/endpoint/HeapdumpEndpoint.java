package io.heapfleet.endpoint;

import io.heapfleet.auth.TaskCredentials;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code /heapdump} protocol, once, for both front doors: exact paths and method, task pinning
 * (421), the identity proof and credential check (401, see docs/proof.md), one dump at a time and a
 * minimum interval (429 + {@code Retry-After}), a free-disk check (507), the dump into a fresh temp
 * file (503 when this JVM cannot, 500 when it fails), and a response that streams and encodes the
 * file and deletes it on every path. {@code /heapdump/stats} answers the JVM's heap figures ({@link
 * JvmStats}) without touching the dump lock.
 *
 * <p>Thread-safe: front doors call {@link #handle} from any number of request threads.
 */
public final class HeapdumpEndpoint {

  /** The request header that pins a task: a different task answers 421. */
  public static final String TARGET_TASK_HEADER = HeapfleetHeaders.TARGET_TASK;

  /** The response header naming the task that answered (on every non-401 response). */
  public static final String TASK_HEADER = HeapfleetHeaders.TASK;

  private static final Logger LOG = Logger.getLogger(HeapdumpEndpoint.class.getName());
  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final EndpointSettings settings;
  private final TaskIdentity identity;
  private final RequestAuthenticator authenticator;
  private final NonceStore nonces;
  private final HeapDumper dumper;
  private final FreeSpaceProbe freeSpace;
  private final Clock clock;
  private final JvmStats stats = JvmStats.platform();
  // A semaphore, not a lock: the front door may finish the stream on another thread.
  private final Semaphore dumping = new Semaphore(1);

  // Written while holding `dumping`; volatile because the holder may change threads.
  private volatile Instant lastDump;
  private volatile long lastRequestMillis = 10_000;

  private HeapdumpEndpoint(Builder b) {
    this.settings = b.settings;
    this.identity = b.identity;
    this.clock = b.clock;
    this.nonces = new NonceStore(clock, NonceStore.DEFAULT_TTL, NonceStore.DEFAULT_CAPACITY);
    this.authenticator = new RequestAuthenticator(settings, identity.taskId(), nonces, clock);
    this.dumper = b.dumper;
    this.freeSpace = b.freeSpace;
  }

  /** A builder: the dumper defaults to HotSpot's, free space to the real file system. */
  public static Builder builder(EndpointSettings settings, TaskIdentity identity) {
    return new Builder(settings, identity);
  }

  public TaskIdentity identity() {
    return identity;
  }

  public EndpointSettings settings() {
    return settings;
  }

  /**
   * Answers one request. The caller must send or {@link EndpointResponse#close() close} it.
   *
   * <p>The steps, each of which may answer: the exact path (404) and method (405); pinning (421,
   * before any credential is looked at, so a misdirected credential is never consumed); the proof,
   * which needs no credential; the credential (401); then the identity, the stats or the dump.
   */
  public EndpointResponse handle(EndpointRequest request) {
    Audit audit = new Audit(request);
    Optional<EndpointPath> route = EndpointPath.of(request.path());
    if (route.isEmpty()) {
      return EndpointResponse.json(
          404,
          new LinkedHashMap<>(),
          errorJson(
              "not_found",
              "no such resource; use /heapdump, /heapdump/identity, /heapdump/proof or"
                  + " /heapdump/stats"),
          audit.outcome("not-found"));
    }
    if (!"GET".equals(request.method())) {
      Map<String, String> h = new LinkedHashMap<>();
      h.put("Allow", "GET");
      return EndpointResponse.json(
          405, h, errorJson("method_not_allowed", "use GET"), audit.outcome("method-not-allowed"));
    }
    EndpointResponse misdirected = misdirected(request, audit);
    if (misdirected != null) {
      return misdirected;
    }
    if (route.get() == EndpointPath.PROOF) {
      return proof(request, audit);
    }
    RequestAuthenticator.Access access = authenticator.check(request, route.get());
    if (!access.granted) {
      // Nothing else is said: not which part was wrong, not which task this is.
      Map<String, String> h = new LinkedHashMap<>();
      h.put("WWW-Authenticate", HeapfleetHeaders.SCHEME_HOURLY);
      return EndpointResponse.json(
          401,
          h,
          errorJson("unauthorized", "a valid token is required"),
          audit.outcome("unauthorized").detail("reason", access.detail));
    }
    audit.detail("task", identity.taskId()).detail("auth", access.detail);
    if (route.get() == EndpointPath.IDENTITY) {
      return EndpointResponse.json(
          200, taskHeaders(), identity.toJson(), audit.outcome("identity"));
    }
    if (route.get() == EndpointPath.STATS) {
      String json = stats.toJson(identity.taskId(), identity.jvm().orElse(null), clock.instant());
      return EndpointResponse.json(200, taskHeaders(), json, audit.outcome("stats"));
    }
    return dumpRequest(request, audit);
  }

  /** 421 when the request pins another task; null when it pins none or this one. */
  private EndpointResponse misdirected(EndpointRequest request, Audit audit) {
    String target = request.header(TARGET_TASK_HEADER);
    if (target == null || target.trim().equals(identity.taskId())) {
      return null;
    }
    // Only the task id, which the proof gives anyone: no cluster, service or JVM before auth.
    Map<String, String> h = new LinkedHashMap<>();
    h.put(TASK_HEADER, identity.taskId());
    return EndpointResponse.json(
        421,
        h,
        "{\"error\":\"misdirected\",\"message\":"
            + Json.quote("this is task " + identity.taskId() + ", not " + headerSafe(target.trim()))
            + ",\"taskId\":"
            + Json.quote(identity.taskId())
            + "}",
        audit.outcome("misdirected"));
  }

  /** {@code /heapdump/proof}: a fresh nonce and the HMAC over the caller's challenge. */
  private EndpointResponse proof(EndpointRequest request, Audit audit) {
    String challenge = request.header(HeapfleetHeaders.CHALLENGE);
    challenge = challenge == null ? null : challenge.trim();
    if (!TaskCredentials.isValidChallenge(challenge)) {
      return EndpointResponse.json(
          400,
          new LinkedHashMap<>(),
          errorJson(
              "bad_request",
              HeapfleetHeaders.CHALLENGE + " must be 32 to 64 lowercase hex characters"),
          audit.outcome("bad-request"));
    }
    String nonce = nonces.issue();
    String proof = authenticator.credentials().proof(challenge, nonce, identity.taskId());
    Map<String, String> h = new LinkedHashMap<>();
    h.put(TASK_HEADER, identity.taskId());
    return EndpointResponse.json(
        200,
        h,
        "{\"taskId\":"
            + Json.quote(identity.taskId())
            + ",\"challenge\":"
            + Json.quote(challenge)
            + ",\"nonce\":"
            + Json.quote(nonce)
            + ",\"proof\":"
            + Json.quote(proof)
            + "}",
        audit.outcome("proof"));
  }

  private EndpointResponse dumpRequest(EndpointRequest request, Audit audit) {
    DumpFormat format;
    String formatParam = request.queryParameter("format");
    if (formatParam == null || formatParam.isEmpty()) {
      format = settings.defaultFormat();
    } else {
      format = DumpFormat.fromId(formatParam).orElse(null);
      if (format == null) {
        return error(
            400,
            "bad_request",
            "format must be gzip, zstd or raw, was '" + headerSafe(formatParam) + "'",
            audit.outcome("bad-request"));
      }
    }
    String liveParam = request.queryParameter("live");
    boolean live;
    if (liveParam == null || liveParam.isEmpty() || liveParam.equalsIgnoreCase("true")) {
      live = true;
    } else if (liveParam.equalsIgnoreCase("false")) {
      live = false;
    } else {
      return error(
          400,
          "bad_request",
          "live must be true or false, was '" + headerSafe(liveParam) + "'",
          audit.outcome("bad-request"));
    }
    audit.detail("format", format.id()).detail("live", live);
    return dump(format, live, audit);
  }

  private EndpointResponse dump(DumpFormat format, boolean live, Audit audit) {
    if (!dumping.tryAcquire()) {
      long seconds = Math.max(1, (lastRequestMillis + 999) / 1000);
      return tooMany("busy", "a heap dump is already running on this task", seconds, audit);
    }
    boolean handedOver = false;
    Path file = null;
    long requestStart = System.nanoTime();
    try {
      Instant now = clock.instant();
      if (lastDump != null && !settings.minInterval().isZero()) {
        Instant next = lastDump.plus(settings.minInterval());
        if (now.isBefore(next)) {
          long seconds = Math.max(1, (Duration.between(now, next).toMillis() + 999) / 1000);
          return tooMany(
              "too_soon",
              "the last dump of this task was at "
                  + lastDump
                  + "; the minimum interval is "
                  + settings.minInterval().getSeconds()
                  + "s",
              seconds,
              audit);
        }
      }
      dumper.checkAvailable();
      long heapUsed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      Path dir = settings.tempDir();
      Files.createDirectories(dir);
      long usable = freeSpace.usableBytes(dir);
      long needed = heapUsed + settings.diskReserve();
      if (usable < needed) {
        return error(
            507,
            "insufficient_storage",
            "not enough free disk in "
                + dir
                + " for a dump: heap in use "
                + mb(heapUsed)
                + " + reserve "
                + mb(settings.diskReserve())
                + " > free "
                + mb(usable),
            audit.outcome("insufficient-storage"));
      }
      // HotSpot refuses to overwrite a file: reserve a unique name, then free it for the dump.
      file = Files.createTempFile(dir, "heapfleet-" + identity.taskId() + "-", ".hprof");
      Files.delete(file);
      long cpuStart = processCpuNanos();
      Runnable release =
          () -> {
            lastRequestMillis = Math.max(1000, (System.nanoTime() - requestStart) / 1_000_000);
            // The task's whole cost of this request: the dump, reading the file, encoding, sending.
            audit.detail("cpuMs", cpuMillisSince(cpuStart));
            dumping.release();
          };
      if (format != DumpFormat.RAW && !settings.keepAlive().isZero()) {
        EndpointResponse started = startedDump(file, format, live, now, heapUsed, release, audit);
        handedOver = true;
        return started;
      }
      long t0 = System.nanoTime();
      long cpu0 = processCpuNanos();
      dumper.dumpHeap(file, live);
      long dumpMillis = (System.nanoTime() - t0) / 1_000_000;
      long dumpCpuMillis = cpuMillisSince(cpu0);
      Instant dumpedAt = clock.instant();
      lastDump = dumpedAt;
      long hprofBytes = Files.size(file);
      Map<String, String> h = taskHeaders();
      h.put("Content-Type", format.contentType());
      h.put(
          "Content-Disposition",
          "attachment; filename=\"" + fileName(identity.taskId(), dumpedAt, format) + "\"");
      h.put("Cache-Control", "no-store");
      h.put("X-Heapdump-Format", format.id());
      h.put("X-Heapdump-Live", Boolean.toString(live));
      h.put("X-Heapdump-Time", dumpedAt.toString());
      h.put("X-Heapdump-Heap-Used", Long.toString(heapUsed));
      h.put("X-Heapdump-Hprof-Bytes", Long.toString(hprofBytes));
      // dumpHeap runs at a safepoint: the application is paused for its whole duration.
      h.put("X-Heapdump-Duration-Ms", Long.toString(dumpMillis));
      h.put("X-Heapdump-Pause-Ms", Long.toString(dumpMillis));
      h.put("X-Heapdump-Dump-Cpu-Ms", Long.toString(dumpCpuMillis));
      h.put("X-Heapdump-Disk-Bytes", Long.toString(hprofBytes));
      audit
          .detail("heapUsed", heapUsed)
          .detail("hprofBytes", hprofBytes)
          .detail("dumpMs", dumpMillis)
          .detail("dumpCpuMs", dumpCpuMillis);
      Path dumped = file;
      EndpointResponse response =
          EndpointResponse.dump(h, dumped, format, release, audit.outcome("ok"));
      handedOver = true;
      return response;
    } catch (HeapDumpUnavailableException e) {
      return error(
          503,
          "unavailable",
          "this JVM cannot dump its heap: " + e.getMessage(),
          audit.outcome("unavailable"));
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "heapfleet: heap dump failed", e);
      return error(500, "dump_failed", "the heap dump failed: " + e, audit.outcome("failed"));
    } finally {
      if (!handedOver) {
        deleteQuietly(file);
        dumping.release();
      }
    }
  }

  /**
   * A response that starts now and takes the dump while it keeps the connection busy (see {@link
   * KeepAliveEncoder}): a load balancer's idle timeout never sees a silent connection, except
   * during the JVM's own pause. Figures known only after the dump go in the stream's trailer.
   */
  private EndpointResponse startedDump(
      Path file,
      DumpFormat format,
      boolean live,
      Instant requestedAt,
      long heapUsed,
      Runnable release,
      Audit audit) {
    Map<String, String> h = taskHeaders();
    h.put("Content-Type", format.contentType());
    h.put(
        "Content-Disposition",
        "attachment; filename=\"" + fileName(identity.taskId(), requestedAt, format) + "\"");
    h.put("Cache-Control", "no-store");
    h.put("X-Heapdump-Format", format.id());
    h.put("X-Heapdump-Live", Boolean.toString(live));
    h.put("X-Heapdump-Heap-Used", Long.toString(heapUsed));
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
          long dumpMillis = (System.nanoTime() - t0) / 1_000_000;
          long dumpCpuMillis = cpuMillisSince(cpu0);
          Instant dumpedAt = clock.instant();
          lastDump = dumpedAt;
          long hprofBytes = Files.size(file);
          audit
              .detail("hprofBytes", hprofBytes)
              .detail("dumpMs", dumpMillis)
              .detail("dumpCpuMs", dumpCpuMillis);
          Map<String, String> trailer = new LinkedHashMap<>();
          trailer.put("X-Heapdump-Time", dumpedAt.toString());
          trailer.put("X-Heapdump-Hprof-Bytes", Long.toString(hprofBytes));
          trailer.put("X-Heapdump-Duration-Ms", Long.toString(dumpMillis));
          trailer.put("X-Heapdump-Pause-Ms", Long.toString(dumpMillis));
          trailer.put("X-Heapdump-Dump-Cpu-Ms", Long.toString(dumpCpuMillis));
          trailer.put("X-Heapdump-Disk-Bytes", Long.toString(hprofBytes));
          return trailer;
        };
    return EndpointResponse.keepAliveDump(
        h, file, format, settings.keepAlive(), job, release, audit.outcome("ok"));
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

  /** The dump's file name: {@code <taskId>-<yyyyMMdd'T'HHmmss'Z'>.hprof.gz} (per format). */
  public static String fileName(String taskId, Instant at, DumpFormat format) {
    return taskId + "-" + FILE_TIME.format(at) + format.extension();
  }

  private Map<String, String> taskHeaders() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put(TASK_HEADER, identity.taskId());
    identity.cluster().ifPresent(v -> h.put("X-Heapdump-Cluster", headerSafe(v)));
    identity.service().ifPresent(v -> h.put("X-Heapdump-Service", headerSafe(v)));
    identity.family().ifPresent(v -> h.put("X-Heapdump-Family", headerSafe(v)));
    identity.revision().ifPresent(v -> h.put("X-Heapdump-Revision", headerSafe(v)));
    identity.jvm().ifPresent(v -> h.put("X-Heapdump-Jvm", headerSafe(v)));
    return h;
  }

  private EndpointResponse tooMany(
      String code, String message, long retryAfterSeconds, Audit audit) {
    Map<String, String> h = taskHeaders();
    h.put("Retry-After", Long.toString(retryAfterSeconds));
    return EndpointResponse.json(
        429, h, errorJson(code, message), audit.outcome(code.replace('_', '-')));
  }

  private EndpointResponse error(int status, String code, String message, Audit audit) {
    return EndpointResponse.json(status, taskHeaders(), errorJson(code, message), audit);
  }

  static String errorJson(String code, String message) {
    return "{\"error\":" + Json.quote(code) + ",\"message\":" + Json.quote(message) + "}";
  }

  private static String headerSafe(String v) {
    return v.replaceAll("[^\\x20-\\x7e]", "?");
  }

  /** Whole MiB for error messages (the agent cannot use the analysis module's formatter). */
  private static String mb(long bytes) {
    return (bytes >> 20) + " MiB";
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

  /** Builds a {@link HeapdumpEndpoint}. Not thread-safe. */
  public static final class Builder {
    private final EndpointSettings settings;
    private final TaskIdentity identity;
    private HeapDumper dumper;
    private FreeSpaceProbe freeSpace = FreeSpaceProbe.fileSystem();
    private Clock clock = Clock.systemUTC();

    private Builder(EndpointSettings settings, TaskIdentity identity) {
      this.settings = Objects.requireNonNull(settings, "settings");
      this.identity = Objects.requireNonNull(identity, "identity");
    }

    public Builder dumper(HeapDumper dumper) {
      this.dumper = Objects.requireNonNull(dumper, "dumper");
      return this;
    }

    public Builder freeSpace(FreeSpaceProbe freeSpace) {
      this.freeSpace = Objects.requireNonNull(freeSpace, "freeSpace");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public HeapdumpEndpoint build() {
      if (dumper == null) {
        dumper = defaultDumper();
      }
      return new HeapdumpEndpoint(this);
    }

    private static HeapDumper defaultDumper() {
      try {
        return new HotSpotHeapDumper();
      } catch (HeapDumpUnavailableException e) {
        // Keep serving identity and pinning; every dump answers 503 with the reason.
        return new HeapDumper() {
          @Override
          public void checkAvailable() {
            throw e;
          }

          @Override
          public void dumpHeap(Path file, boolean live) {
            throw e;
          }
        };
      }
    }
  }
}
