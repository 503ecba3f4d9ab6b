package io.heapfleet.endpoint;

import java.time.Clock;

/**
 * {@code /heapdump/stats}: the heap figures ({@link JvmStats}), never touching the dump lock. With
 * {@code ?gc=full} a full collection runs first ({@link ForcedGc}: at most one per 10 s, 429
 * otherwise) and the answer adds {@code "gc":{"forced":true,"pauseMs":…}}, or {@code
 * "gc":{"forced":false,"reason":…}} when this JVM ignores explicit collections. Any other {@code
 * gc} value is 400. Thread-safe.
 */
final class StatsRoute implements RouteHandler {
  /** The query parameter, and its one accepted value. */
  static final String GC_PARAMETER = "gc";

  static final String GC_FULL = "full";

  private final TaskIdentity identity;
  private final Answers answers;
  private final JvmStats stats;
  private final ForcedGc forcedGc;
  private final Clock clock;

  StatsRoute(TaskIdentity identity, Answers answers, JvmStats stats, ForcedGc gc, Clock clock) {
    this.identity = identity;
    this.answers = answers;
    this.stats = stats;
    this.forcedGc = gc;
    this.clock = clock;
  }

  @Override
  public EndpointResponse answer(EndpointRequest request, Audit audit) {
    String gc = request.queryParameter(GC_PARAMETER);
    if (gc == null) {
      return EndpointResponse.json(200, answers.taskHeaders(), document(), audit.outcome("stats"));
    }
    if (!gc.equals(GC_FULL)) {
      return answers.error(
          400, "bad_request", "gc must be 'full' (or absent)", audit.outcome("bad-request"));
    }
    ForcedGc.Result r = forcedGc.run();
    if (r.kind == ForcedGc.Result.Kind.TOO_SOON) {
      return answers.tooMany(
          "gc_too_soon",
          "a full collection ran less than " + ForcedGc.MIN_GAP.toSeconds() + " s ago",
          r.value,
          audit);
    }
    String extra;
    if (r.kind == ForcedGc.Result.Kind.RAN) {
      extra = "{\"forced\":true,\"pauseMs\":" + r.value + "}";
      audit.outcome("stats-gc").detail("gcMs", r.value);
    } else {
      extra = "{\"forced\":false,\"reason\":" + Json.quote(r.reason) + "}";
      audit.outcome("stats-gc-unavailable");
    }
    String doc = document();
    String json = doc.substring(0, doc.length() - 1) + ",\"gc\":" + extra + "}";
    return EndpointResponse.json(200, answers.taskHeaders(), json, audit);
  }

  private String document() {
    return stats.toJson(identity.taskId(), identity.jvm().orElse(null), clock.instant());
  }
}
