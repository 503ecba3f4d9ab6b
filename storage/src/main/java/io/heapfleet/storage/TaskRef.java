package io.heapfleet.storage;

import java.util.Objects;

/**
 * One task's place in the bucket: cluster, service and task id. Cluster and service may be {@code
 * null} (unknown, stored as the {@code _} placeholder). Immutable.
 */
public record TaskRef(String cluster, String service, String taskId) {

  public TaskRef {
    Objects.requireNonNull(taskId, "taskId");
    KeySegment.encode(taskId, "task id"); // validates
    cluster = cluster == null || cluster.isEmpty() ? null : cluster;
    service = service == null || service.isEmpty() ? null : service;
    if (cluster != null) {
      KeySegment.encode(cluster, "cluster");
    }
    if (service != null) {
      KeySegment.encode(service, "service");
    }
  }

  /**
   * The task's folder relative to the store prefix: {@code <cluster>/<service>/<taskId>} with every
   * segment encoded by {@link KeySegment}.
   */
  public String path() {
    return KeySegment.encodeOrUnknown(cluster, "cluster")
        + "/"
        + KeySegment.encodeOrUnknown(service, "service")
        + "/"
        + KeySegment.encode(taskId, "task id");
  }

  /** Parses {@link #path()} back. */
  public static TaskRef parsePath(String path) {
    String[] parts = path.split("/", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("not a <cluster>/<service>/<taskId> path: '" + path + "'");
    }
    return new TaskRef(
        KeySegment.decode(parts[0]), KeySegment.decode(parts[1]), KeySegment.decode(parts[2]));
  }
}
