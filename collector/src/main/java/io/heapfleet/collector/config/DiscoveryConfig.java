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
    /** The ECS cluster (name or ARN). {@code mode=ecs} needs this or {@code clusters}. */
    Optional<String> cluster();

    /**
     * Several clusters, each {@code <cluster name or ARN>[@<role ARN>]}: a cluster ARN carries its
     * region (and account); the role, if given, is assumed with {@code sts:AssumeRole} for that
     * cluster's ECS and EC2 calls. Used together with {@code cluster}, if both are set.
     */
    Optional<List<String>> clusters();

    /**
     * The ECS services whose tasks are captured (names, applied to every cluster). Empty: the tasks
     * that opted in with {@code opt-in-tag} on themselves or on their service.
     */
    Optional<List<String>> services();

    /**
     * The tag {@code key=value} that opts a service or task in when no service list is given. ECS
     * copies service tags to its tasks only with {@code propagateTags=SERVICE}; both are read.
     */
    @WithDefault("heapfleet:enabled=true")
    String optInTag();

    /**
     * The cluster-wide agent port, for task definitions in which no container declares one (with a
     * port mapping named {@code port-name} or the docker label {@code port-label}).
     */
    @WithDefault("9091")
    int port();

    /**
     * The agent port per service name, e.g. {@code ports.checkout=9191}. Only for service names
     * that an environment variable can spell (lower case, no {@code -}): SmallRye reads {@code
     * ..._PORTS_ORDERS_API} as {@code ports.orders.api}. Prefer the task definition's port mapping
     * named {@code heapdump}.
     */
    Map<String, Integer> ports();

    /**
     * The name of the port mapping that declares the heapdump port ({@code portMappings[].name}).
     */
    @WithDefault("heapdump")
    String portName();

    /** The docker label whose value declares the heapdump port of its container. */
    @WithDefault("io.heapfleet.port")
    String portLabel();

    /** Tasks started less than this ago are not captured yet (their heap is still warming up). */
    @WithDefault("2m")
    Duration warmUp();

    /**
     * Whether a task whose definition has a container health check must be {@code HEALTHY} to be
     * captured (a task that is starting or failing is not worth a stop-the-world pause).
     */
    @WithDefault("true")
    boolean requireHealthy();

    /** The AWS region of clusters given by name; default: the SDK's region chain. */
    Optional<String> region();

    /** Endpoint override for the ECS API (tests, VPC endpoints). */
    Optional<URI> endpointOverride();

    /** Endpoint override for the EC2 API (bridge/host tasks' instance addresses). */
    Optional<URI> ec2EndpointOverride();

    /** Endpoint override for STS (assumed roles). */
    Optional<URI> stsEndpointOverride();
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
