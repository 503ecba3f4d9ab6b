package io.heapfleet.collector.stats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One task's compact stats series: the newest {@code capacity} samples in primitive ring arrays
 * (about 64 bytes a sample, no object per sample), plus when its newest dump was stored. Stored in
 * S3 as one small columnar JSON document per task ({@code stats.json}), rewritten now and then, so
 * that a restarted collector continues the series. Thread-safe (synchronized).
 */
public final class StatsSeries {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int FORMAT = 1;

  private final String taskId;
  private final int capacity;
  private final long[] time;
  private final long[] oldGenAfterGc;
  private final long[] heapUsed;
  private final long[] rss;
  private final long[] gcCount;
  private final long[] gcTimeMs;
  private final long[] oldGenUsed;
  private final long[] majorGcCount;
  private long heapMax = -1;
  private int start;
  private int size;
  private long lastDumpMillis = Long.MIN_VALUE;
  private boolean dirty;

  public StatsSeries(String taskId, int capacity) {
    if (capacity < 2) {
      throw new IllegalArgumentException("capacity must be >= 2, got " + capacity);
    }
    this.taskId = taskId;
    this.capacity = capacity;
    time = new long[capacity];
    oldGenAfterGc = new long[capacity];
    heapUsed = new long[capacity];
    rss = new long[capacity];
    gcCount = new long[capacity];
    gcTimeMs = new long[capacity];
    oldGenUsed = new long[capacity];
    majorGcCount = new long[capacity];
  }

  public String taskId() {
    return taskId;
  }

  /** Appends a sample; one not newer than the newest is ignored. The oldest drops out when full. */
  public synchronized void add(StatsSample s) {
    long t = s.time().toEpochMilli();
    if (size > 0 && t <= time[index(size - 1)]) {
      return;
    }
    int i;
    if (size < capacity) {
      i = index(size);
      size++;
    } else {
      i = start;
      start = (start + 1) % capacity;
    }
    time[i] = t;
    oldGenAfterGc[i] = s.oldGenAfterGc();
    heapUsed[i] = s.heapUsed();
    rss[i] = s.rss();
    gcCount[i] = s.gcCount();
    gcTimeMs[i] = s.gcTimeMs();
    oldGenUsed[i] = s.oldGenUsed();
    majorGcCount[i] = s.majorGcCount();
    if (s.heapMax() > 0) {
      heapMax = s.heapMax();
    }
    dirty = true;
  }

  private int index(int k) {
    return (start + k) % capacity;
  }

  /** Records that a dump of the task was stored at {@code at} (kept when a later one is known). */
  public synchronized void dumpStored(Instant at) {
    long t = at.toEpochMilli();
    if (t > lastDumpMillis) {
      lastDumpMillis = t;
      dirty = true;
    }
  }

  /** When the newest dump was stored, as far as this series knows. */
  public synchronized Optional<Instant> lastDump() {
    return lastDumpMillis == Long.MIN_VALUE
        ? Optional.empty()
        : Optional.of(Instant.ofEpochMilli(lastDumpMillis));
  }

  /** The heap limit the task last reported, or -1. */
  public synchronized long heapMax() {
    return heapMax;
  }

  public synchronized int size() {
    return size;
  }

  /** The samples, oldest first. */
  public synchronized List<StatsSample> samples() {
    List<StatsSample> out = new ArrayList<>(size);
    for (int k = 0; k < size; k++) {
      out.add(sample(index(k)));
    }
    return out;
  }

  /** The newest sample. */
  public synchronized Optional<StatsSample> latest() {
    if (size == 0) {
      return Optional.empty();
    }
    return Optional.of(sample(index(size - 1)));
  }

  /** The sample in ring slot {@code i}; callers hold the lock. */
  private StatsSample sample(int i) {
    return new StatsSample(
        Instant.ofEpochMilli(time[i]),
        oldGenAfterGc[i],
        heapUsed[i],
        heapMax,
        rss[i],
        gcCount[i],
        gcTimeMs[i],
        oldGenUsed[i],
        majorGcCount[i]);
  }

  /** Whether samples were added since the last {@link #toJson} with {@code markClean}. */
  public synchronized boolean dirty() {
    return dirty;
  }

  /**
   * The series as columnar JSON: {@code {"format":1,"taskId":…,"heapMax":…,"lastDump":…,
   * "time":[…],"oldGenAfterGc":[…],"heapUsed":[…],"rss":[…],"gcCount":[…],"gcTimeMs":[…],
   * "oldGenUsed":[…],"majorGcCount":[…]}} (times in epoch milliseconds, -1 for a figure the task
   * did not report).
   */
  public synchronized String toJson(boolean markClean) {
    ObjectNode o = JSON.createObjectNode();
    o.put("format", FORMAT);
    o.put("taskId", taskId);
    o.put("heapMax", heapMax);
    if (lastDumpMillis != Long.MIN_VALUE) {
      o.put("lastDump", lastDumpMillis);
    }
    column(o, "time", time);
    column(o, "oldGenAfterGc", oldGenAfterGc);
    column(o, "heapUsed", heapUsed);
    column(o, "rss", rss);
    column(o, "gcCount", gcCount);
    column(o, "gcTimeMs", gcTimeMs);
    column(o, "oldGenUsed", oldGenUsed);
    column(o, "majorGcCount", majorGcCount);
    if (markClean) {
      dirty = false;
    }
    return o.toString();
  }

  private void column(ObjectNode o, String name, long[] values) {
    ArrayNode a = o.putArray(name);
    for (int k = 0; k < size; k++) {
      a.add(values[index(k)]);
    }
  }

  /**
   * Reads a series written by {@link #toJson} (the newest {@code capacity} samples of it). The
   * columns {@code oldGenUsed} and {@code majorGcCount} may be absent (a series stored before they
   * were kept): their figures are then -1.
   *
   * @throws IllegalArgumentException when it is not such a document, or of another task
   */
  public static StatsSeries fromJson(String json, String taskId, int capacity) {
    JsonNode n;
    try {
      n = JSON.readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("stats series is not JSON: " + e.getOriginalMessage());
    }
    if (n == null
        || n.path("format").asInt() != FORMAT
        || !taskId.equals(n.path("taskId").asText())) {
      throw new IllegalArgumentException("not a stats series (format " + FORMAT + ") of " + taskId);
    }
    JsonNode t = n.path("time");
    int count = t.size();
    for (String c : new String[] {"oldGenAfterGc", "heapUsed", "rss", "gcCount", "gcTimeMs"}) {
      if (n.path(c).size() != count) {
        throw new IllegalArgumentException("stats series column " + c + " has the wrong length");
      }
    }
    for (String c : new String[] {"oldGenUsed", "majorGcCount"}) {
      if (n.has(c) && n.path(c).size() != count) {
        throw new IllegalArgumentException("stats series column " + c + " has the wrong length");
      }
    }
    StatsSeries s = new StatsSeries(taskId, capacity);
    long max = n.path("heapMax").asLong(-1);
    for (int k = Math.max(0, count - capacity); k < count; k++) {
      s.add(
          new StatsSample(
              Instant.ofEpochMilli(t.get(k).asLong()),
              n.path("oldGenAfterGc").get(k).asLong(-1),
              n.path("heapUsed").get(k).asLong(-1),
              max,
              n.path("rss").get(k).asLong(-1),
              n.path("gcCount").get(k).asLong(-1),
              n.path("gcTimeMs").get(k).asLong(-1),
              optional(n, "oldGenUsed", k),
              optional(n, "majorGcCount", k)));
    }
    if (n.has("lastDump")) {
      s.lastDumpMillis = n.path("lastDump").asLong();
    }
    s.heapMax = max;
    s.dirty = false;
    return s;
  }

  private static long optional(JsonNode n, String column, int k) {
    JsonNode c = n.get(column);
    return c == null ? -1 : c.path(k).asLong(-1);
  }
}
