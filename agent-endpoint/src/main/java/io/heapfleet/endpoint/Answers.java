package io.heapfleet.endpoint;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The protocol's small JSON answers for one task: the task headers every answer after pinning
 * carries, errors ({@code {"error":…,"message":…}}) and 429s with {@code Retry-After}. Immutable;
 * thread-safe.
 */
final class Answers {

  private final TaskIdentity identity;

  Answers(TaskIdentity identity) {
    this.identity = identity;
  }

  /** {@code X-Heapdump-Task} and whatever else is known of the task, in a fresh mutable map. */
  Map<String, String> taskHeaders() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put(HeapfleetHeaders.TASK, identity.taskId());
    identity.cluster().ifPresent(v -> h.put(HeapfleetHeaders.CLUSTER, headerSafe(v)));
    identity.service().ifPresent(v -> h.put(HeapfleetHeaders.SERVICE, headerSafe(v)));
    identity.family().ifPresent(v -> h.put(HeapfleetHeaders.FAMILY, headerSafe(v)));
    identity.revision().ifPresent(v -> h.put(HeapfleetHeaders.REVISION, headerSafe(v)));
    identity.jvm().ifPresent(v -> h.put(HeapfleetHeaders.JVM, headerSafe(v)));
    return h;
  }

  /** An error answer with the task headers. */
  EndpointResponse error(int status, String code, String message, Audit audit) {
    return EndpointResponse.json(status, taskHeaders(), errorJson(code, message), audit);
  }

  /** 429 with {@code Retry-After}; the audit outcome is the code with dashes. */
  EndpointResponse tooMany(String code, String message, long retryAfterSeconds, Audit audit) {
    Map<String, String> h = taskHeaders();
    h.put(HeapfleetHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
    return EndpointResponse.json(
        429, h, errorJson(code, message), audit.outcome(code.replace('_', '-')));
  }

  static String errorJson(String code, String message) {
    return "{\"error\":" + Json.quote(code) + ",\"message\":" + Json.quote(message) + "}";
  }

  /** A caller's or the task's text made safe for a header: anything but printable ASCII is '?'. */
  static String headerSafe(String v) {
    return v.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
