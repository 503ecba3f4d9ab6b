package io.heapfleet.endpoint.client;

import io.heapfleet.endpoint.Json;
import io.heapfleet.endpoint.TaskIdentity;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One answer of {@code GET /heapdump/stats} (JVM or Node.js; docs/endpoint.md, "/heapdump/stats"):
 * the figures adaptive capture and {@code heapfleet stats} read, checked as they are parsed (a task
 * id that breaks the task-id rule, a missing time or a negative figure is refused), with the
 * document itself for fields this class does not name. Immutable.
 */
public final class TaskStats {

  private final String json;
  private final Map<String, Object> fields;
  private final String taskId;
  private final String runtime;
  private final Instant time;

  private TaskStats(String json, Map<String, Object> fields) {
    this.json = json;
    this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    this.taskId = string("taskId").orElse(null);
    if (taskId == null || !TaskIdentity.isValidTaskId(taskId)) {
      throw new IllegalArgumentException("taskId is missing or not a valid task id");
    }
    this.runtime = string("runtime").orElse("jvm");
    try {
      this.time = Instant.parse(string("time").orElse(""));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("time is missing or not an ISO-8601 instant");
    }
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      if (e.getValue() instanceof Number && ((Number) e.getValue()).doubleValue() < 0) {
        throw new IllegalArgumentException(e.getKey() + " is negative");
      }
    }
  }

  /**
   * Parses a stats document.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static TaskStats parse(String json) {
    return new TaskStats(json, Json.parseObject(json));
  }

  /** The document as the task sent it. */
  public String json() {
    return json;
  }

  /** Every field, in the task's order. */
  public Map<String, Object> fields() {
    return fields;
  }

  public String taskId() {
    return taskId;
  }

  /** {@code jvm} or {@code node}. */
  public String runtime() {
    return runtime;
  }

  /** When the task read its figures (its clock). */
  public Instant time() {
    return time;
  }

  public OptionalLong heapUsed() {
    return number("heapUsed");
  }

  public OptionalLong heapCommitted() {
    return number("heapCommitted");
  }

  public OptionalLong heapMax() {
    return number("heapMax");
  }

  public OptionalLong oldGenUsed() {
    return number("oldGenUsed");
  }

  /** What survived the last collection of the old generation; empty before the first one. */
  public OptionalLong oldGenUsedAfterGc() {
    return number("oldGenUsedAfterGc");
  }

  public Optional<Instant> lastMajorGcAt() {
    try {
      return string("lastMajorGcAt").map(Instant::parse);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  public OptionalLong gcCount() {
    return number("gcCount");
  }

  public OptionalLong majorGcCount() {
    return number("majorGcCount");
  }

  public OptionalLong gcTimeMillis() {
    return number("gcTimeMs");
  }

  public OptionalLong uptimeMillis() {
    return number("uptimeMs");
  }

  /** The process's resident set size; empty where the task could not read it. */
  public OptionalLong rss() {
    return number("rss");
  }

  /** A numeric field by name; empty when absent, null or not a number. */
  public OptionalLong number(String name) {
    Object v = fields.get(name);
    return v instanceof Number ? OptionalLong.of(((Number) v).longValue()) : OptionalLong.empty();
  }

  /** A string field by name; empty when absent, null or not a string. */
  public Optional<String> string(String name) {
    Object v = fields.get(name);
    return v instanceof String ? Optional.of((String) v) : Optional.empty();
  }

  @Override
  public String toString() {
    return "TaskStats" + json;
  }
}
