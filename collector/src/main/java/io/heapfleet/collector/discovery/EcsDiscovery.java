package io.heapfleet.collector.discovery;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.ToIntFunction;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Attachment;
import software.amazon.awssdk.services.ecs.model.DescribeTasksRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.ListTasksRequest;
import software.amazon.awssdk.services.ecs.model.ListTasksResponse;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Discovers the RUNNING tasks of ECS services: {@code ListTasks} per service (all pages), then
 * {@code DescribeTasks} in batches of 100, and the task's private IPv4 address from its {@code
 * ElasticNetworkInterface} attachment ({@code awsvpc} network mode, as on Fargate).
 *
 * <p>Tasks without an ENI address (bridge/host network mode) are skipped: their agent is not
 * reachable by a task IP. Throttling is retried by the SDK's retry strategy. Thread-safe if the
 * {@link EcsClient} is (it is).
 */
public final class EcsDiscovery implements Discovery {
  /** DescribeTasks accepts at most this many tasks per call. */
  static final int DESCRIBE_BATCH = 100;

  private final EcsClient ecs;
  private final String cluster;
  private final List<String> services;
  private final ToIntFunction<String> portOfService;

  /**
   * @param ecs the ECS client
   * @param cluster cluster name or ARN
   * @param services the services to capture; empty: every task of the cluster
   * @param portOfService the agent port for a service name
   */
  public EcsDiscovery(
      EcsClient ecs, String cluster, List<String> services, ToIntFunction<String> portOfService) {
    this.ecs = Objects.requireNonNull(ecs, "ecs");
    if (cluster == null || cluster.isBlank()) {
      throw new IllegalArgumentException(
          "ECS discovery needs a cluster: set heapfleet.collector.discovery.ecs.cluster");
    }
    this.cluster = cluster;
    this.services = List.copyOf(services);
    this.portOfService = Objects.requireNonNull(portOfService, "portOfService");
  }

  @Override
  public List<Target> discover() {
    try {
      Map<String, String> serviceOfArn = new LinkedHashMap<>();
      if (services.isEmpty()) {
        for (String arn : listTaskArns(null)) {
          serviceOfArn.put(arn, null);
        }
      } else {
        for (String service : services) {
          for (String arn : listTaskArns(service)) {
            serviceOfArn.put(arn, service);
          }
        }
      }
      List<String> arns = new ArrayList<>(serviceOfArn.keySet());
      List<Target> targets = new ArrayList<>();
      for (int from = 0; from < arns.size(); from += DESCRIBE_BATCH) {
        List<String> batch = arns.subList(from, Math.min(arns.size(), from + DESCRIBE_BATCH));
        DescribeTasksResponse response =
            ecs.describeTasks(DescribeTasksRequest.builder().cluster(cluster).tasks(batch).build());
        // A task listed a moment ago may already be gone: DescribeTasks then reports it under
        // failures (reason MISSING); it is simply not a target any more.
        for (Task task : response.tasks()) {
          toTarget(task, serviceOfArn.get(task.taskArn())).ifPresent(targets::add);
        }
      }
      return targets;
    } catch (SdkException e) {
      throw new DiscoveryException(
          "ECS discovery failed for cluster " + cluster + ": " + e.getMessage(), e);
    }
  }

  private List<String> listTaskArns(String service) {
    List<String> arns = new ArrayList<>();
    String next = null;
    do {
      ListTasksRequest.Builder request =
          ListTasksRequest.builder().cluster(cluster).desiredStatus(DesiredStatus.RUNNING);
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

  private Optional<Target> toTarget(Task task, String listedService) {
    if (!"RUNNING".equals(task.lastStatus())) {
      return Optional.empty();
    }
    Optional<String> ip = privateIpv4(task);
    if (ip.isEmpty()) {
      return Optional.empty();
    }
    String service = listedService != null ? listedService : serviceFromGroup(task.group());
    String taskId = taskId(task.taskArn());
    if (!IdentityRules.isValidTaskId(taskId)) {
      return Optional.empty(); // never an S3 key, header or log line; the agent would refuse it too
    }
    URI base = URI.create("http://" + ip.get() + ":" + portOfService.applyAsInt(service));
    return Optional.of(new Target(taskId, clusterName(task.clusterArn()), service, base, false));
  }

  static Optional<String> privateIpv4(Task task) {
    for (Attachment attachment : task.attachments()) {
      if (!"ElasticNetworkInterface".equals(attachment.type())) {
        continue;
      }
      for (KeyValuePair detail : attachment.details()) {
        if ("privateIPv4Address".equals(detail.name())
            && detail.value() != null
            && !detail.value().isBlank()) {
          return Optional.of(detail.value());
        }
      }
    }
    return Optional.empty();
  }

  /** The task id: the last segment of {@code arn:aws:ecs:region:acct:task/cluster/ID}. */
  static String taskId(String taskArn) {
    return taskArn.substring(taskArn.lastIndexOf('/') + 1);
  }

  private String clusterName(String clusterArn) {
    String arn = clusterArn != null ? clusterArn : cluster;
    return arn.substring(arn.lastIndexOf('/') + 1);
  }

  /** ECS sets {@code group} to {@code service:<name>} for service tasks. */
  static String serviceFromGroup(String group) {
    if (group != null && group.startsWith("service:")) {
      return group.substring("service:".length());
    }
    return group != null && !group.isBlank() ? group : "standalone";
  }

  @Override
  public String describe() {
    return "ecs cluster=" + cluster + " services=" + (services.isEmpty() ? "*" : services);
  }
}
