package io.heapfleet.endpoint;

import io.heapfleet.auth.TokenCheck;
import io.heapfleet.auth.TokenVerifier;
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
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code /heapdump} protocol, once, for both front doors (see DESIGN.md): token check (401),
 * task pinning (421), one dump at a time and a minimum interval (429 + {@code Retry-After}), a
 * free-disk check (507), the dump into a fresh temp file (503 when this JVM cannot, 500 when it
 * fails), and a response that streams and encodes the file and deletes it on every path.
 *
 * <p>Thread-safe: front doors call {@link #handle} from any number of request threads.
 */
public final class HeapdumpEndpoint {

  /** The request header that pins a task: a different task answers 421. */
  public static final String TARGET_TASK_HEADER = "X-Heapdump-Target-Task";

  /** The response header naming the task that answered (on every non-401 response). */
  public static final String TASK_HEADER = "X-Heapdump-Task";

  private static final Logger LOG = Logger.getLogger(HeapdumpEndpoint.class.getName());
  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final String AUTH_SCHEME = "HeapDump ";

  private final EndpointSettings settings;
  private final TaskIdentity identity;
  private final TokenVerifier verifier;
  private final HeapDumper dumper;
  private final FreeSpaceProbe freeSpace;
  private final Clock clock;
  // A semaphore, not a lock: the front door may finish the stream on another thread.
  private final Semaphore dumping = new Semaphore(1);

  // Written while holding `dumping`; volatile because the holder may change threads.
  private volatile Instant lastDump;
  private volatile long lastRequestMillis = 10_000;

  private HeapdumpEndpoint(Builder b) {
    this.settings = b.settings;
    this.identity = b.identity;
    this.clock = b.clock;
    this.verifier =
        TokenVerifier.builder(settings.secret()).scope(settings.scope()).clock(clock).build();
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

  /** Answers one request. The caller must send or {@link EndpointResponse#close() close} it. */
  public EndpointResponse handle(EndpointRequest request) {
    Audit audit = new Audit(request);
    String path = request.path() == null ? "" : request.path().replaceAll("/+$", "");
    boolean identityPath = path.endsWith("/heapdump/identity");
    if (!identityPath && !path.endsWith("/heapdump")) {
      return error(
          404,
          "not_found",
          "no such resource; use /heapdump or /heapdump/identity",
          audit.outcome("not-found"));
    }
    if (!"GET".equalsIgnoreCase(request.method())) {
      Map<String, String> h = new LinkedHashMap<>();
      h.put("Allow", "GET");
      return EndpointResponse.json(
          405, h, errorJson("method_not_allowed", "use GET"), audit.outcome("method-not-allowed"));
    }
    TokenCheck check = verifier.verify(token(request));
    if (!check.isValid()) {
      // Nothing else is said: not which part was wrong, not which task this is.
      Map<String, String> h = new LinkedHashMap<>();
      h.put("WWW-Authenticate", "HeapDump");
      return EndpointResponse.json(
          401,
          h,
          errorJson("unauthorized", "a valid token is required"),
          audit.outcome("unauthorized").detail("reason", check.name().toLowerCase(Locale.ROOT)));
    }
    audit.detail("task", identity.taskId());
    if (identityPath) {
      return EndpointResponse.json(
          200, taskHeaders(), identity.toJson(), audit.outcome("identity"));
    }
    String target = request.header(TARGET_TASK_HEADER);
    if (target != null && !target.trim().equals(identity.taskId())) {
      return EndpointResponse.json(
          421,
          taskHeaders(),
          "{\"error\":\"misdirected\",\"message\":"
              + Json.quote("this is task " + identity.taskId() + ", not " + target.trim())
              + ",\"taskId\":"
              + Json.quote(identity.taskId())
              + "}",
          audit.outcome("misdirected"));
    }
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
            "format must be gzip, zstd or raw, was '" + formatParam + "'",
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
          "live must be true or false, was '" + liveParam + "'",
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
      long t0 = System.nanoTime();
      dumper.dumpHeap(file, live);
      long dumpMillis = (System.nanoTime() - t0) / 1_000_000;
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
      audit
          .detail("heapUsed", heapUsed)
          .detail("hprofBytes", hprofBytes)
          .detail("dumpMs", dumpMillis);
      Path dumped = file;
      EndpointResponse response =
          EndpointResponse.dump(
              h,
              dumped,
              format,
              () -> {
                lastRequestMillis = Math.max(1000, (System.nanoTime() - requestStart) / 1_000_000);
                dumping.release();
              },
              audit.outcome("ok"));
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

  private static String token(EndpointRequest request) {
    String auth = request.header("Authorization");
    if (auth != null && auth.regionMatches(true, 0, AUTH_SCHEME, 0, AUTH_SCHEME.length())) {
      return auth.substring(AUTH_SCHEME.length()).trim();
    }
    return request.queryParameter("hash");
  }

  private static String headerSafe(String v) {
    return v.replaceAll("[^\\x20-\\x7e]", "?");
  }

  private static String mb(long bytes) {
    return (bytes >> 20) + " MB";
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
        return (file, live) -> {
          throw e;
        };
      }
    }
  }
}
