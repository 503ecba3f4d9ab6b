package io.heapfleet.collector.discovery;

import java.net.URI;
import java.util.Objects;

/**
 * One task the collector can capture: its id, where it runs, and the base URL of its {@code
 * /heapdump} endpoint. When {@code pinned} is true the URL is a load balancer and a capture must
 * carry {@code X-Heapdump-Target-Task} (retrying on 421 until it lands on this task).
 *
 * <p>A task that runs two JVMs with an endpoint each (two heapdump containers) is two targets: each
 * has the container's name in {@code container} and its series id {@code <taskId>.<container>} in
 * {@code taskId}, so that the scheduler, the state and the S3 key keep the two series apart; {@link
 * #agentTaskId()} is the task id the endpoint itself reports. With one heapdump container, {@code
 * container} is null and {@code taskId} is the task id, as before.
 *
 * @param taskId the series id: the task id (last segment of the ECS task ARN, or what the agent
 *     reports), followed by {@code .<container>} when the task has several heapdump containers
 * @param cluster the cluster name ({@code static}/{@code lb} outside ECS)
 * @param service the service name; at most one task per service dumps at a time
 * @param baseUri the endpoint base, e.g. {@code http://10.0.1.23:9091}
 * @param pinned whether {@code baseUri} is shared by several tasks (load balancer)
 * @param container the container serving {@code /heapdump} when the task has several, else null
 */
public record Target(
    String taskId, String cluster, String service, URI baseUri, boolean pinned, String container) {

  /** Separates the task id from the container name in a multi-container task's series id. */
  public static final char CONTAINER_SEPARATOR = '.';

  public Target {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(baseUri, "baseUri");
    if (taskId.isBlank()) {
      throw new IllegalArgumentException("taskId must not be blank");
    }
    if (container != null && !taskId.endsWith(CONTAINER_SEPARATOR + container)) {
      throw new IllegalArgumentException(
          "taskId '" + taskId + "' of container '" + container + "' must end with ." + container);
    }
  }

  /** A target with one endpoint per task (no container in its identity). */
  public Target(String taskId, String cluster, String service, URI baseUri, boolean pinned) {
    this(taskId, cluster, service, baseUri, pinned, null);
  }

  /** A target for one of several heapdump containers of task {@code ecsTaskId}. */
  public static Target ofContainer(
      String ecsTaskId, String container, String cluster, String service, URI baseUri) {
    return new Target(
        ecsTaskId + CONTAINER_SEPARATOR + container, cluster, service, baseUri, false, container);
  }

  /** The task id the endpoint reports in its identity: {@code taskId} without the container. */
  public String agentTaskId() {
    return container == null
        ? taskId
        : taskId.substring(0, taskId.length() - container.length() - 1);
  }
}
