package io.heapfleet.endpoint;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Task pinning: a request whose {@code X-Heapdump-Target-Task} names another task gets 421, before
 * any credential is looked at, so a misdirected single-use credential is never consumed. Immutable;
 * thread-safe.
 */
final class TaskPinning implements RequestFilter {

  private final String taskId;

  TaskPinning(String taskId) {
    this.taskId = taskId;
  }

  @Override
  public Optional<EndpointResponse> refuse(
      EndpointRequest request, EndpointPath path, Audit audit) {
    String target = request.header(HeapfleetHeaders.TARGET_TASK);
    if (target == null || target.trim().equals(taskId)) {
      return Optional.empty();
    }
    // Only the task id, which the proof gives anyone: no cluster, service or JVM before auth.
    Map<String, String> h = new LinkedHashMap<>();
    h.put(HeapfleetHeaders.TASK, taskId);
    return Optional.of(
        EndpointResponse.json(
            421,
            h,
            "{\"error\":\"misdirected\",\"message\":"
                + Json.quote(
                    "this is task " + taskId + ", not " + Answers.headerSafe(target.trim()))
                + ",\"taskId\":"
                + Json.quote(taskId)
                + "}",
            audit.outcome("misdirected")));
  }
}
