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
    long majorGcCount) {

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
    JsonNode n;
    try {
      n = JSON.readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("stats answer is not JSON: " + e.getOriginalMessage());
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("stats answer is not a JSON object");
    }
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
        figure(n, "majorGcCount"));
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
