package io.heapfleet.collector.discovery;

/**
 * Why ECS discovery left a listed task out. Each skip is logged (once per task and reason) and
 * counted in {@code heapfleet_discovery_skipped_total{reason}}.
 */
public enum SkipReason {
  /** Not {@code RUNNING} yet (PROVISIONING, PENDING, ACTIVATING) or already stopping. */
  NOT_RUNNING("not-running"),
  /** Its task definition has a container health check and the task is not {@code HEALTHY}. */
  NOT_HEALTHY("not-healthy"),
  /** Started less than the warm-up age ago: its heap is still filling. */
  WARMING_UP("warming-up"),
  /** {@code awsvpc} task without an ENI address (IPv4 or IPv6). */
  NO_TASK_ADDRESS("no-task-address"),
  /** {@code bridge}/{@code host} task whose heapdump port has no host port binding. */
  NO_PORT_BINDING("no-port-binding"),
  /** {@code bridge}/{@code host} task whose container instance has no known EC2 address. */
  NO_INSTANCE_ADDRESS("no-instance-address"),
  /** {@code DescribeTaskDefinition} failed for the task's definition. */
  NO_TASK_DEFINITION("no-task-definition"),
  /** Its id breaks the agent's task-id rule: it could never be an S3 key, header or log line. */
  INVALID_TASK_ID("invalid-task-id");

  private final String tag;

  SkipReason(String tag) {
    this.tag = tag;
  }

  /** The metric tag and log word, e.g. {@code no-port-binding}. */
  public String tag() {
    return tag;
  }

  /** Receives every skip; called on the discovery thread. */
  @FunctionalInterface
  public interface Listener {
    /** A task of {@code cluster} was left out for {@code reason}. */
    void skipped(String cluster, SkipReason reason);

    /** Counts nothing. */
    Listener NONE = (cluster, reason) -> {};
  }
}
