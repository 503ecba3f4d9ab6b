package io.heapfleet.collector.discovery;

import java.net.URI;
import java.util.Objects;

/**
 * One task the collector can capture: its id, where it runs, and the base URL of its {@code
 * /heapdump} endpoint. When {@code pinned} is true the URL is a load balancer and a capture must
 * carry {@code X-Heapdump-Target-Task} (retrying on 421 until it lands on this task).
 *
 * @param taskId the task id (last segment of the ECS task ARN, or what the agent reports)
 * @param cluster the cluster name ({@code static}/{@code lb} outside ECS)
 * @param service the service name; at most one task per service dumps at a time
 * @param baseUri the endpoint base, e.g. {@code http://10.0.1.23:9091}
 * @param pinned whether {@code baseUri} is shared by several tasks (load balancer)
 */
public record Target(String taskId, String cluster, String service, URI baseUri, boolean pinned) {
  public Target {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(baseUri, "baseUri");
    if (taskId.isBlank()) {
      throw new IllegalArgumentException("taskId must not be blank");
    }
  }
}
