package io.heapfleet.endpoint;

import io.heapfleet.auth.Compression;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code /heapdump} protocol, once, for both front doors: a route table of the exact paths (404
 * for any other), each route a chain of {@link RequestFilter}s and a {@link RouteHandler}.
 *
 * <ul>
 *   <li>every route: the method (405), then task pinning (421, {@link TaskPinning}), before any
 *       credential is looked at;
 *   <li>{@code /heapdump/proof}: no credential ({@link ProofRoute}, see docs/proof.md);
 *   <li>{@code /heapdump/identity}, {@code /heapdump/stats} and {@code /heapdump}: the credential
 *       (401, {@link RequestAuthenticator}), then the identity, the heap figures ({@link
 *       StatsRoute}, without touching the dump lock; {@code ?gc=full} runs a full collection first)
 *       or the dump ({@link DumpRoute}: one at a time and a minimum interval, 429; free disk, 507;
 *       the dump by the {@link HeapDumper} strategy, 503 when this JVM cannot, 500 when it fails; a
 *       response that streams and encodes the temp file and deletes it on every path).
 * </ul>
 *
 * <p>Thread-safe: front doors call {@link #handle} from any number of request threads.
 */
public final class HeapdumpEndpoint {

  /**
   * The request header that pins a task: a different task answers 421 ({@link HeapfleetHeaders}).
   */
  public static final String TARGET_TASK_HEADER = HeapfleetHeaders.TARGET_TASK;

  /** The response header naming the task that answered, not on 401 ({@link HeapfleetHeaders}). */
  public static final String TASK_HEADER = HeapfleetHeaders.TASK;

  private final EndpointSettings settings;
  private final TaskIdentity identity;
  private final Map<EndpointPath, Route> routes = new EnumMap<>(EndpointPath.class);

  private HeapdumpEndpoint(Builder b) {
    this.settings = b.settings;
    this.identity = b.identity;
    Clock clock = b.clock;
    NonceStore nonces = new NonceStore(clock, NonceStore.DEFAULT_TTL, NonceStore.DEFAULT_CAPACITY);
    RequestAuthenticator authenticator =
        new RequestAuthenticator(settings, identity.taskId(), nonces, clock);
    Answers answers = new Answers(identity);
    JvmStats stats = JvmStats.platform();

    RequestFilter method = RequestFilter.getOnly();
    RequestFilter pinning = new TaskPinning(identity.taskId());
    List<RequestFilter> open = List.of(method, pinning);
    List<RequestFilter> authenticated = List.of(method, pinning, authenticator);
    routes.put(
        EndpointPath.PROOF,
        new Route(open, new ProofRoute(identity.taskId(), authenticator.credentials(), nonces)));
    routes.put(
        EndpointPath.IDENTITY,
        new Route(
            authenticated,
            (request, audit) ->
                EndpointResponse.json(
                    200, answers.taskHeaders(), identity.toJson(), audit.outcome("identity"))));
    routes.put(
        EndpointPath.STATS,
        new Route(
            authenticated, new StatsRoute(identity, answers, stats, new ForcedGc(clock), clock)));
    routes.put(
        EndpointPath.DUMP,
        new Route(
            authenticated,
            new DumpRoute(settings, identity.taskId(), answers, b.dumper, b.freeSpace, clock)));
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
   * <p>The route's filters run in order and the first that answers ends the request; when all let
   * it through, the route's handler answers.
   */
  public EndpointResponse handle(EndpointRequest request) {
    Audit audit = new Audit(request);
    Optional<EndpointPath> path = EndpointPath.of(request.path());
    if (path.isEmpty()) {
      return EndpointResponse.json(
          404,
          new LinkedHashMap<>(),
          Answers.errorJson(
              "not_found",
              "no such resource; use /heapdump, /heapdump/identity, /heapdump/proof or"
                  + " /heapdump/stats"),
          audit.outcome("not-found"));
    }
    Route route = routes.get(path.get());
    for (RequestFilter filter : route.filters) {
      Optional<EndpointResponse> refused = filter.refuse(request, path.get(), audit);
      if (refused.isPresent()) {
        return refused.get();
      }
    }
    return route.handler.answer(request, audit);
  }

  /** The dump's file name: {@code <taskId>-<yyyyMMdd'T'HHmmss'Z'>.hprof.gz} (per format). */
  public static String fileName(String taskId, Instant at, Compression format) {
    return DumpHeaders.fileName(taskId, at, format);
  }

  /**
   * @deprecated use {@link #fileName(String, Instant, Compression)}.
   */
  @Deprecated
  public static String fileName(String taskId, Instant at, DumpFormat format) {
    return fileName(taskId, at, format.compression());
  }

  /** One resource: the checks a request passes, then what answers it. Immutable. */
  private static final class Route {
    final List<RequestFilter> filters;
    final RouteHandler handler;

    Route(List<RequestFilter> filters, RouteHandler handler) {
      this.filters = filters;
      this.handler = handler;
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
