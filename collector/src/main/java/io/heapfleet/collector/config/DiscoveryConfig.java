package io.heapfleet.collector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the collector finds the tasks to capture: ECS ({@code ListTasks} + {@code DescribeTasks}), a
 * static list of task base URLs, or one load-balancer URL behind which tasks are pinned with {@code
 * X-Heapdump-Target-Task}.
 */
@ConfigMapping(prefix = "heapfleet.collector.discovery")
public interface DiscoveryConfig {

  /** Which discovery to use. */
  enum Mode {
    /** ECS services, tasks found through the ECS API. */
    ECS,
    /** A fixed list of task base URLs. */
    STATIC,
    /** One load-balancer URL; tasks found by probing {@code /heapdump/identity}. */
    LB
  }

  /** Which discovery to use: {@code ecs}, {@code static} or {@code lb}. */
  @WithDefault("static")
  Mode mode();

  /** How often the task list is refreshed (a task that disappears ends its series). */
  @WithDefault("1m")
  Duration refresh();

  /** ECS discovery. */
  Ecs ecs();

  /** Static discovery. */
  Static staticTargets();

  /** Load-balancer discovery. */
  Lb lb();

  /** ECS discovery settings. */
  interface Ecs {
    /** The ECS cluster (name or ARN). Required for {@code mode=ecs}. */
    Optional<String> cluster();

    /**
     * The ECS services whose tasks are captured (names). Empty: every task of the cluster (then the
     * service is taken from the task's {@code group}).
     */
    Optional<List<String>> services();

    /** The agent's port on each task when the service has no entry in {@code ports}. */
    @WithDefault("9091")
    int port();

    /** The agent port per service name, e.g. {@code ports.checkout=9191}. */
    Map<String, Integer> ports();

    /** The AWS region of the cluster; default: the SDK's region chain. */
    Optional<String> region();

    /** Endpoint override for the ECS API (tests, VPC endpoints). */
    Optional<URI> endpointOverride();
  }

  /** Static discovery settings. */
  interface Static {
    /**
     * Task base URLs, e.g. {@code http://10.0.1.23:9091}. Each is probed at {@code
     * /heapdump/identity} to learn its task id, cluster and service.
     */
    Optional<List<URI>> urls();

    /**
     * Task base URLs by service, e.g. {@code services.checkout=http://10.0.1.23:9091,http://...}:
     * for endpoints whose identity names no service (outside ECS), so that the one-dump-per-service
     * rule applies per real service.
     */
    Map<String, List<URI>> services();

    /** The service name used when a task's identity names none. */
    @WithDefault("static")
    String service();

    /** The cluster name used when a task's identity names none. */
    @WithDefault("static")
    String cluster();
  }

  /** Load-balancer discovery settings. */
  interface Lb {
    /** The load balancer's base URL (the one that routes {@code /heapdump} to some task). */
    Optional<URI> url();

    /** Identity probes per refresh, each on a fresh connection, to see every task behind it. */
    @WithDefault("12")
    int probes();

    /** A task not seen by any probe for this long is considered gone. */
    @WithDefault("10m")
    Duration forgetAfter();

    /** Attempts to land a pinned capture on its task (each 421 costs one). */
    @WithDefault("20")
    int maxAttempts();

    /** The service name used when a task's identity names none. */
    @WithDefault("lb")
    String service();

    /** The cluster name used when a task's identity names none. */
    @WithDefault("lb")
    String cluster();
  }
}
