package io.heapfleet.collector.discovery;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Attachment;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DescribeTasksRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.HealthStatus;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.ListTasksRequest;
import software.amazon.awssdk.services.ecs.model.ListTasksResponse;
import software.amazon.awssdk.services.ecs.model.NetworkBinding;
import software.amazon.awssdk.services.ecs.model.NetworkInterface;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceField;
import software.amazon.awssdk.services.ecs.model.ServiceNotFoundException;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskField;

/**
 * Discovers the RUNNING tasks of one ECS cluster and the address of each task's {@code /heapdump}
 * endpoint.
 *
 * <p><b>Which tasks.</b> With a service list: {@code ListTasks} per service (all pages); a service
 * that no longer exists ({@code ServiceNotFoundException}) is logged and skipped, the others are
 * still discovered. Without one: every task of the cluster that opted in with the tag {@code
 * optInTag} (e.g. {@code heapfleet:enabled=true}) on itself or on its service ({@code ListServices}
 * + {@code DescribeServices include=TAGS}, tasks via {@code DescribeTasks include=TAGS}). Then, in
 * batches of 100 ({@code DescribeTasks}), a task is left out while it is not {@code RUNNING}, not
 * {@code HEALTHY} when its task definition has a container health check, or younger than {@code
 * warmUp}.
 *
 * <p><b>Where.</b> The task definition ({@code DescribeTaskDefinition}, cached by ARN) says which
 * containers serve {@code /heapdump} and on which port ({@link HeapdumpEndpoints}); without such a
 * declaration the per-service port or the cluster-wide default applies. {@code awsvpc} tasks (all
 * Fargate tasks) are reached at their ENI's private IPv4 address, or its IPv6 address (bracketed)
 * on an IPv6-only subnet. {@code bridge} and {@code host} tasks are reached at their container
 * instance's address ({@link InstanceAddresses}) on the host port ECS bound to the container port
 * ({@code containers[].networkBindings}: dynamic in bridge mode). Every task left out is logged
 * once per reason and reported to the {@link SkipReason.Listener}.
 *
 * <p><b>Service name.</b> The listed service, else the task's {@code group} ({@code service:NAME}),
 * else the task definition family (standalone and Fargate tasks started outside a service).
 *
 * <p>Throttling is retried by the SDK's retry strategy. Thread-safe if the clients are (they are);
 * {@link #discover()} is called by one thread at a time.
 */
public final class EcsDiscovery implements Discovery {
  private static final Logger LOG = Logger.getLogger(EcsDiscovery.class);

  /** DescribeTasks accepts at most this many tasks per call. */
  static final int DESCRIBE_BATCH = 100;

  /** DescribeServices accepts at most this many services per call. */
  static final int DESCRIBE_SERVICES_BATCH = 10;

  /**
   * A tag {@code key=value} that opts a service or task in.
   *
   * @param key tag key, e.g. {@code heapfleet:enabled}
   * @param value tag value, e.g. {@code true}
   */
  public record OptInTag(String key, String value) {
    public OptInTag {
      if (key == null || key.isBlank() || value == null) {
        throw new IllegalArgumentException("opt-in tag needs a key and a value");
      }
    }

    /** Parses {@code key=value} (the key may contain {@code :}). */
    public static OptInTag parse(String keyValue) {
      int eq = keyValue.lastIndexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "opt-in tag must be key=value, e.g. heapfleet:enabled=true, got '" + keyValue + "'");
      }
      return new OptInTag(keyValue.substring(0, eq).strip(), keyValue.substring(eq + 1).strip());
    }

    boolean matches(List<Tag> tags) {
      for (Tag t : tags) {
        if (key.equals(t.key()) && value.equalsIgnoreCase(String.valueOf(t.value()))) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String toString() {
      return key + "=" + value;
    }
  }

  /**
   * What to discover in one cluster.
   *
   * @param cluster cluster name or ARN
   * @param services the services to capture; empty: the tasks that opted in with {@code optInTag}
   * @param optInTag the opt-in tag when {@code services} is empty; null: every task of the cluster
   * @param portOfService the port when a task definition declares none (per-service or default)
   * @param portName the port-mapping name that declares the heapdump port, e.g. {@code heapdump}
   * @param portLabel the docker label that declares it, e.g. {@code io.heapfleet.port}
   * @param warmUp tasks started less than this ago are left out
   * @param requireHealthy leave out tasks with a health check that are not {@code HEALTHY}
   */
  public record Settings(
      String cluster,
      List<String> services,
      OptInTag optInTag,
      ToIntFunction<String> portOfService,
      String portName,
      String portLabel,
      Duration warmUp,
      boolean requireHealthy) {
    public Settings {
      if (cluster == null || cluster.isBlank()) {
        throw new IllegalArgumentException(
            "ECS discovery needs a cluster: set heapfleet.collector.discovery.ecs.cluster");
      }
      services = List.copyOf(services);
      Objects.requireNonNull(portOfService, "portOfService");
      Objects.requireNonNull(portName, "portName");
      Objects.requireNonNull(portLabel, "portLabel");
      if (warmUp == null || warmUp.isNegative()) {
        throw new IllegalArgumentException("warm-up must be >= 0");
      }
    }
  }

  private final EcsClient ecs;
  private final Settings settings;
  private final TaskDefinitions definitions;
  private final HeapdumpEndpoints endpoints;
  private final InstanceAddresses instances;
  private final Clock clock;
  private final SkipReason.Listener skips;

  /** Per task ARN: the reason it was last left out for, so each skip is logged once. */
  private final Map<String, SkipReason> loggedSkips = new ConcurrentHashMap<>();

  /** Per service: the last error, so a deleted service is logged once. */
  private final Map<String, String> serviceErrors = new ConcurrentHashMap<>();

  /**
   * @param ecs the ECS client of the cluster's account and region
   * @param ec2 the EC2 client (same account and region), for {@code bridge}/{@code host} tasks
   * @param settings what to discover
   * @param clock for the warm-up age
   * @param skips counts the tasks left out
   */
  public EcsDiscovery(
      EcsClient ecs, Ec2Client ec2, Settings settings, Clock clock, SkipReason.Listener skips) {
    this.ecs = Objects.requireNonNull(ecs, "ecs");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.definitions = new TaskDefinitions(ecs);
    this.endpoints = new HeapdumpEndpoints(settings.portName(), settings.portLabel());
    this.instances = ec2 == null ? null : new InstanceAddresses(ecs, ec2);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.skips = Objects.requireNonNull(skips, "skips");
  }

  /**
   * {@code awsvpc} discovery of {@code services} (empty: every task of the cluster) with ports by
   * service name, no warm-up: for tests and embedding.
   */
  public EcsDiscovery(
      EcsClient ecs, String cluster, List<String> services, ToIntFunction<String> portOfService) {
    this(
        ecs,
        null,
        new Settings(
            cluster,
            services,
            null,
            portOfService,
            "heapdump",
            "io.heapfleet.port",
            Duration.ZERO,
            true),
        Clock.systemUTC(),
        SkipReason.Listener.NONE);
  }

  @Override
  public List<Target> discover() {
    try {
      Map<String, String> serviceOfArn = new LinkedHashMap<>();
      Set<String> optedInServices = null;
      if (settings.services().isEmpty()) {
        for (String arn : listTaskArns(null)) {
          serviceOfArn.put(arn, null);
        }
        if (settings.optInTag() != null) {
          optedInServices = optedInServices();
        }
      } else {
        for (String service : settings.services()) {
          Optional<List<String>> arns = listServiceTasks(service);
          arns.ifPresent(list -> list.forEach(arn -> serviceOfArn.put(arn, service)));
        }
      }
      List<String> arns = new ArrayList<>(serviceOfArn.keySet());
      List<Task> tasks = new ArrayList<>();
      for (int from = 0; from < arns.size(); from += DESCRIBE_BATCH) {
        List<String> batch = arns.subList(from, Math.min(arns.size(), from + DESCRIBE_BATCH));
        DescribeTasksRequest.Builder request =
            DescribeTasksRequest.builder().cluster(settings.cluster()).tasks(batch);
        if (optedInServices != null) {
          request.include(TaskField.TAGS);
        }
        DescribeTasksResponse response = ecs.describeTasks(request.build());
        // A task listed a moment ago may already be gone: DescribeTasks then reports it under
        // failures (reason MISSING); it is simply not a target any more.
        for (Task task : response.tasks()) {
          if (optedInServices == null
              || settings.optInTag().matches(task.tags())
              || optedInServices.contains(groupService(task.group()))) {
            tasks.add(task);
          }
        }
      }
      List<Target> targets = toTargets(tasks, serviceOfArn);
      loggedSkips.keySet().retainAll(serviceOfArn.keySet());
      return targets;
    } catch (SdkException e) {
      throw new DiscoveryException(
          "ECS discovery failed for cluster " + settings.cluster() + ": " + e.getMessage(), e);
    }
  }

  /** A service's tasks, or empty when the service does not exist (any more). */
  private Optional<List<String>> listServiceTasks(String service) {
    try {
      List<String> arns = listTaskArns(service);
      if (serviceErrors.remove(service) != null) {
        LOG.infof("ECS service %s/%s is back", settings.cluster(), service);
      }
      return Optional.of(arns);
    } catch (ServiceNotFoundException e) {
      String message = e.awsErrorDetails() != null ? e.awsErrorDetails().errorMessage() : "";
      if (serviceErrors.put(service, String.valueOf(message)) == null) {
        LOG.warnf(
            "ECS service %s/%s not found (deleted?): skipped, the other services are still"
                + " discovered: %s",
            settings.cluster(), service, message);
      }
      return Optional.empty();
    }
  }

  /** The services whose ECS tags include the opt-in tag. */
  private Set<String> optedInServices() {
    List<String> serviceArns = new ArrayList<>();
    String next = null;
    do {
      String token = next;
      var page =
          ecs.listServices(
              b -> {
                b.cluster(settings.cluster());
                if (token != null) {
                  b.nextToken(token);
                }
              });
      serviceArns.addAll(page.serviceArns());
      next = page.nextToken();
    } while (next != null && !next.isEmpty());
    Set<String> optedIn = new HashSet<>();
    for (int from = 0; from < serviceArns.size(); from += DESCRIBE_SERVICES_BATCH) {
      List<String> batch =
          serviceArns.subList(from, Math.min(serviceArns.size(), from + DESCRIBE_SERVICES_BATCH));
      for (Service s :
          ecs.describeServices(
                  b -> b.cluster(settings.cluster()).services(batch).include(ServiceField.TAGS))
              .services()) {
        if (settings.optInTag().matches(s.tags())) {
          optedIn.add(s.serviceName());
        }
      }
    }
    return optedIn;
  }

  private List<String> listTaskArns(String service) {
    List<String> arns = new ArrayList<>();
    String next = null;
    do {
      ListTasksRequest.Builder request =
          ListTasksRequest.builder()
              .cluster(settings.cluster())
              .desiredStatus(DesiredStatus.RUNNING);
      if (service != null) {
        request.serviceName(service);
      }
      if (next != null) {
        request.nextToken(next);
      }
      ListTasksResponse page = ecs.listTasks(request.build());
      arns.addAll(page.taskArns());
      next = page.nextToken();
    } while (next != null && !next.isEmpty());
    return arns;
  }

  /** A task with what its definition says, on its way to becoming targets. */
  private record Candidate(Task task, String service, TaskDefinition definition) {}

  private List<Target> toTargets(List<Task> tasks, Map<String, String> serviceOfArn) {
    Instant now = clock.instant();
    List<Candidate> candidates = new ArrayList<>();
    Set<String> containerInstances = new HashSet<>();
    for (Task task : tasks) {
      if (!"RUNNING".equals(task.lastStatus())) {
        skip(task, SkipReason.NOT_RUNNING, task.lastStatus());
        continue;
      }
      TaskDefinition definition;
      try {
        definition = definitions.get(task.taskDefinitionArn());
      } catch (SdkException e) {
        skip(task, SkipReason.NO_TASK_DEFINITION, e.getMessage());
        continue;
      }
      if (settings.requireHealthy()
          && hasHealthCheck(definition)
          && task.healthStatus() != HealthStatus.HEALTHY) {
        skip(task, SkipReason.NOT_HEALTHY, task.healthStatusAsString());
        continue;
      }
      Instant started = task.startedAt() != null ? task.startedAt() : task.createdAt();
      if (started != null && started.plus(settings.warmUp()).isAfter(now)) {
        skip(task, SkipReason.WARMING_UP, "started " + started);
        continue;
      }
      String service = serviceOfArn.get(task.taskArn());
      if (service == null) {
        service = serviceName(task);
      }
      candidates.add(new Candidate(task, service, definition));
      if (!isAwsvpc(definition) && task.containerInstanceArn() != null) {
        containerInstances.add(task.containerInstanceArn());
      }
    }
    Map<String, String> instanceHosts =
        containerInstances.isEmpty() || instances == null
            ? Map.of()
            : instances.of(settings.cluster(), containerInstances);
    List<Target> targets = new ArrayList<>();
    for (Candidate c : candidates) {
      targets.addAll(targetsOf(c, instanceHosts));
    }
    return targets;
  }

  private List<Target> targetsOf(Candidate c, Map<String, String> instanceHosts) {
    Task task = c.task();
    List<HeapdumpEndpoints.Endpoint> declared =
        endpoints.of(c.definition(), settings.portOfService().applyAsInt(c.service()));
    String taskId = taskId(task.taskArn());
    if (!IdentityRules.isValidTaskId(taskId)) {
      skip(task, SkipReason.INVALID_TASK_ID, "the agent would refuse it too");
      return List.of();
    }
    String cluster = clusterName(task.clusterArn());
    boolean several = declared.size() > 1;
    List<Target> out = new ArrayList<>();
    for (HeapdumpEndpoints.Endpoint e : declared) {
      Optional<URI> base = baseUri(c, e, instanceHosts);
      if (base.isEmpty()) {
        continue;
      }
      out.add(
          several
              ? Target.ofContainer(taskId, e.container(), cluster, c.service(), base.get())
              : new Target(taskId, cluster, c.service(), base.get(), false));
    }
    if (!out.isEmpty()) {
      loggedSkips.remove(task.taskArn());
    }
    return out;
  }

  private Optional<URI> baseUri(
      Candidate c, HeapdumpEndpoints.Endpoint e, Map<String, String> instanceHosts) {
    Task task = c.task();
    if (isAwsvpc(c.definition())) {
      Optional<String> host = taskHost(task);
      if (host.isEmpty()) {
        skip(task, SkipReason.NO_TASK_ADDRESS, "no ENI address");
        return Optional.empty();
      }
      return Optional.of(URI.create("http://" + host.get() + ":" + e.port()));
    }
    boolean hostMode = c.definition().networkMode() == NetworkMode.HOST;
    Optional<Integer> hostPort = hostPort(task, e);
    if (hostPort.isEmpty() && !hostMode) {
      skip(
          task,
          SkipReason.NO_PORT_BINDING,
          "no host port bound to container port "
              + e.port()
              + (e.container() == null ? "" : " of " + e.container()));
      return Optional.empty();
    }
    String host = instanceHosts.get(task.containerInstanceArn());
    if (host == null) {
      skip(
          task,
          SkipReason.NO_INSTANCE_ADDRESS,
          "container instance " + task.containerInstanceArn());
      return Optional.empty();
    }
    return Optional.of(URI.create("http://" + host + ":" + hostPort.orElse(e.port())));
  }

  /**
   * The host port ECS bound to the endpoint's container port ({@code networkBindings}), in the
   * named container or, when the container is unknown, in any container of the task.
   */
  private static Optional<Integer> hostPort(Task task, HeapdumpEndpoints.Endpoint e) {
    for (Container container : task.containers()) {
      if (e.container() != null && !e.container().equals(container.name())) {
        continue;
      }
      for (NetworkBinding b : container.networkBindings()) {
        boolean tcp = b.protocol() == null || "tcp".equalsIgnoreCase(b.protocolAsString());
        if (tcp
            && b.containerPort() != null
            && b.containerPort() == e.port()
            && b.hostPort() != null
            && b.hostPort() > 0) {
          return Optional.of(b.hostPort());
        }
      }
    }
    return Optional.empty();
  }

  private static boolean isAwsvpc(TaskDefinition definition) {
    return definition.networkMode() == NetworkMode.AWSVPC;
  }

  private static boolean hasHealthCheck(TaskDefinition definition) {
    for (ContainerDefinition c : definition.containerDefinitions()) {
      if (c.healthCheck() != null && c.healthCheck().hasCommand()) {
        return true;
      }
    }
    return false;
  }

  private void skip(Task task, SkipReason reason, String detail) {
    skips.skipped(clusterName(task.clusterArn()), reason);
    if (loggedSkips.put(task.taskArn(), reason) != reason) {
      String message = "task %s (%s) left out [%s]: %s";
      Object[] args = {
        LogSafe.text(taskId(task.taskArn())),
        LogSafe.text(task.group()),
        reason.tag(),
        LogSafe.text(detail)
      };
      if (reason == SkipReason.NOT_RUNNING || reason == SkipReason.WARMING_UP) {
        LOG.debugf(message, args);
      } else {
        LOG.infof(message, args);
      }
    }
  }

  /**
   * The task's ENI address: private IPv4, else IPv6 (bracketed for a URI), from the ENI attachment
   * or, failing that, the containers' network interfaces.
   */
  static Optional<String> taskHost(Task task) {
    Optional<String> v4 = privateIpv4(task);
    if (v4.isPresent()) {
      return v4;
    }
    for (Attachment attachment : task.attachments()) {
      if ("ElasticNetworkInterface".equals(attachment.type())) {
        for (KeyValuePair detail : attachment.details()) {
          if ("ipv6Address".equals(detail.name()) && notBlank(detail.value())) {
            return Optional.of("[" + detail.value() + "]");
          }
        }
      }
    }
    for (Container c : task.containers()) {
      for (NetworkInterface n : c.networkInterfaces()) {
        if (notBlank(n.privateIpv4Address())) {
          return Optional.of(n.privateIpv4Address());
        }
        if (notBlank(n.ipv6Address())) {
          return Optional.of("[" + n.ipv6Address() + "]");
        }
      }
    }
    return Optional.empty();
  }

  static Optional<String> privateIpv4(Task task) {
    for (Attachment attachment : task.attachments()) {
      if (!"ElasticNetworkInterface".equals(attachment.type())) {
        continue;
      }
      for (KeyValuePair detail : attachment.details()) {
        if ("privateIPv4Address".equals(detail.name()) && notBlank(detail.value())) {
          return Optional.of(detail.value());
        }
      }
    }
    return Optional.empty();
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  /** The task id: the last segment of {@code arn:aws:ecs:region:acct:task/cluster/ID}. */
  static String taskId(String taskArn) {
    return taskArn.substring(taskArn.lastIndexOf('/') + 1);
  }

  private String clusterName(String clusterArn) {
    String arn = clusterArn != null ? clusterArn : settings.cluster();
    return arn.substring(arn.lastIndexOf('/') + 1);
  }

  /** The service of a task that was not listed by service: group, then family. */
  static String serviceName(Task task) {
    String fromGroup = groupService(task.group());
    if (fromGroup != null) {
      return fromGroup;
    }
    String family = family(task.taskDefinitionArn());
    if (family != null) {
      return family;
    }
    return serviceFromGroup(task.group());
  }

  /** {@code NAME} of a {@code service:NAME} group, else null. */
  private static String groupService(String group) {
    return group != null && group.startsWith("service:") && group.length() > "service:".length()
        ? group.substring("service:".length())
        : null;
  }

  /** The family of {@code arn:aws:ecs:region:acct:task-definition/FAMILY:REVISION}, or null. */
  static String family(String taskDefinitionArn) {
    if (taskDefinitionArn == null) {
      return null;
    }
    String last = taskDefinitionArn.substring(taskDefinitionArn.lastIndexOf('/') + 1);
    int colon = last.lastIndexOf(':');
    String family = colon > 0 ? last.substring(0, colon) : last;
    return family.isBlank() ? null : family;
  }

  /** ECS sets {@code group} to {@code service:<name>} for service tasks. */
  static String serviceFromGroup(String group) {
    String service = groupService(group);
    if (service != null) {
      return service;
    }
    return group != null && !group.isBlank() ? group : "standalone";
  }

  /** {@code DescribeTaskDefinition} calls so far (each revision is read once). */
  int taskDefinitionCalls() {
    return definitions.calls();
  }

  @Override
  public String describe() {
    String which =
        !settings.services().isEmpty()
            ? settings.services().toString()
            : settings.optInTag() == null ? "*" : "tagged " + settings.optInTag();
    return "ecs cluster=" + settings.cluster() + " services=" + which;
  }
}
