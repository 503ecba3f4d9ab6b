package io.heapfleet.collector.stats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;

/**
 * One reading of a task's {@code GET /heapdump/stats} (fields as docs/node.md names them, for JVM
 * and Node tasks alike), reduced to what the series keeps. Sizes in bytes; {@code -1} means the
 * task did not report the figure (e.g. {@code oldGenUsedAfterGc} before the first major GC, {@code
 * rss} where the task cannot read it). Immutable.
 *
 * @param time when the collector received it (the collector's clock: one time base per series)
 * @param oldGenAfterGc old generation in use right after the last major collection
 * @param heapUsed heap in use now
 * @param heapMax the heap's limit
 * @param rss the process's resident set
 * @param gcCount collections since the endpoint started
 * @param gcTimeMs total collection time since the endpoint started
 * @param oldGenUsed old generation in use now (grows between major collections as young GCs promote
 *     objects; with Serial and Parallel the only figure that shows growth until the next full GC)
 * @param majorGcCount old-generation (major) collections since the endpoint started: unchanged
 *     means {@code oldGenAfterGc} has not been refreshed
 * @param uptimeMs how long the task's process has run, or -1 (not kept in a stored series)
 */
public record StatsSample(
    Instant time,
    long oldGenAfterGc,
    long heapUsed,
    long heapMax,
    long rss,
    long gcCount,
    long gcTimeMs,
    long oldGenUsed,
    long majorGcCount,
    long uptimeMs) {

  /** A sample without the task's uptime (a stored series keeps none). */
  public StatsSample(
      Instant time,
      long oldGenAfterGc,
      long heapUsed,
      long heapMax,
      long rss,
      long gcCount,
      long gcTimeMs,
      long oldGenUsed,
      long majorGcCount) {
    this(
        time,
        oldGenAfterGc,
        heapUsed,
        heapMax,
        rss,
        gcCount,
        gcTimeMs,
        oldGenUsed,
        majorGcCount,
        -1);
  }

  /** A sample without the current old-gen occupancy and the major collection count. */
  public StatsSample(
      Instant time,
      long oldGenAfterGc,
      long heapUsed,
      long heapMax,
      long rss,
      long gcCount,
      long gcTimeMs) {
    this(time, oldGenAfterGc, heapUsed, heapMax, rss, gcCount, gcTimeMs, -1, -1);
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The most bytes of a stats answer the collector reads; the real one is under 1 KiB. */
  public static final int MAX_BYTES = 16 * 1024;

  /**
   * Parses a stats answer. Numbers must be non-negative integers below 2^53 (what a JSON number
   * from JavaScript holds exactly); a missing or {@code null} figure becomes {@code -1}.
   *
   * @param expectedTaskId the task the answer must be from
   * @throws IllegalArgumentException when the answer is not a stats document of that task
   */
  public static StatsSample parse(String json, String expectedTaskId, Instant receivedAt) {
    return parse(tree(json), expectedTaskId, receivedAt);
  }

  /** A stats answer as a JSON object, for {@link #parse(JsonNode, String, Instant)}. */
  static JsonNode tree(String json) {
    JsonNode n;
    try {
      n = JSON.readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("stats answer is not JSON: " + e.getOriginalMessage());
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("stats answer is not a JSON object");
    }
    return n;
  }

  /** The same, from the answer already read as a JSON object ({@link #tree}). */
  static StatsSample parse(JsonNode n, String expectedTaskId, Instant receivedAt) {
    String task = n.path("taskId").asText("");
    if (!task.equals(expectedTaskId)) {
      throw new IllegalArgumentException("stats answer is from another task than expected");
    }
    long heapUsed = figure(n, "heapUsed");
    if (heapUsed < 0) {
      throw new IllegalArgumentException("stats answer has no heapUsed");
    }
    return new StatsSample(
        receivedAt,
        figure(n, "oldGenUsedAfterGc"),
        heapUsed,
        figure(n, "heapMax"),
        figure(n, "rss"),
        figure(n, "gcCount"),
        figure(n, "gcTimeMs"),
        figure(n, "oldGenUsed"),
        figure(n, "majorGcCount"),
        figure(n, "uptimeMs"));
  }

  /**
   * The {@code gc} member of a stats answer ({@link #tree}) to {@code ?gc=full}; an answer without
   * one comes from an agent that does not run collections on request.
   */
  static StatsClient.ForcedGc forcedGc(JsonNode answer) {
    JsonNode gc = answer.path("gc");
    if (!gc.isObject()) {
      return new StatsClient.ForcedGc(false, -1, "the agent runs no collection on request");
    }
    boolean forced = gc.path("forced").asBoolean(false);
    long pause = forced ? figure(gc, "pauseMs") : -1;
    String reason = gc.path("reason").asText("");
    return new StatsClient.ForcedGc(
        forced, pause, reason.length() > 200 ? reason.substring(0, 200) : reason);
  }

  private static long figure(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull() || v.isMissingNode()) {
      return -1;
    }
    if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
      throw new IllegalArgumentException("stats field " + field + " is not an integer");
    }
    double d = v.asDouble();
    if (d < 0 || d > 9.007199254740992E15) {
      throw new IllegalArgumentException("stats field " + field + " is out of range");
    }
    return v.asLong();
  }
}
