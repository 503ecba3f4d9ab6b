package io.heapfleet.collector.discovery;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceIpv6Address;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterface;
import software.amazon.awssdk.services.ec2.model.Reservation;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;

/**
 * The address of the EC2 instance behind an ECS container instance, for {@code bridge} and {@code
 * host} network-mode tasks (they have no ENI of their own): {@code DescribeContainerInstances}
 * gives the {@code ec2InstanceId}, {@code ec2:DescribeInstances} its private IPv4 address (or, on
 * an IPv6-only instance, the primary interface's IPv6 address, bracketed for a URI). Both calls are
 * batched, 100 ids at a time. A container instance ARN names one registration of one EC2 instance,
 * whose primary private address does not change while it runs, so answers are cached by ARN
 * (bounded). Thread-safe.
 */
final class InstanceAddresses {
  static final int BATCH = 100;
  static final int MAX_ENTRIES = 5000;

  private final EcsClient ecs;
  private final Ec2Client ec2;
  private final Map<String, String> byContainerInstance = new ConcurrentHashMap<>();

  InstanceAddresses(EcsClient ecs, Ec2Client ec2) {
    this.ecs = ecs;
    this.ec2 = ec2;
  }

  /**
   * The host part of a URI (IPv6 in brackets) for each of {@code containerInstanceArns} that has
   * one; ARNs without a known address are missing from the result.
   */
  Map<String, String> of(String cluster, Collection<String> containerInstanceArns) {
    Map<String, String> result = new HashMap<>();
    List<String> unknown = new ArrayList<>();
    for (String arn : containerInstanceArns) {
      String known = byContainerInstance.get(arn);
      if (known != null) {
        result.put(arn, known);
      } else if (!unknown.contains(arn)) {
        unknown.add(arn);
      }
    }
    if (unknown.isEmpty()) {
      return result;
    }
    Map<String, String> instanceOf = new HashMap<>();
    for (int from = 0; from < unknown.size(); from += BATCH) {
      List<String> batch = unknown.subList(from, Math.min(unknown.size(), from + BATCH));
      for (ContainerInstance ci :
          ecs.describeContainerInstances(b -> b.cluster(cluster).containerInstances(batch))
              .containerInstances()) {
        if (ci.ec2InstanceId() != null && !ci.ec2InstanceId().isBlank()) {
          instanceOf.put(ci.containerInstanceArn(), ci.ec2InstanceId());
        }
      }
    }
    List<String> instanceIds = instanceOf.values().stream().distinct().toList();
    Map<String, String> addressOfInstance = new HashMap<>();
    for (int from = 0; from < instanceIds.size(); from += BATCH) {
      List<String> batch = instanceIds.subList(from, Math.min(instanceIds.size(), from + BATCH));
      for (Reservation r : ec2.describeInstances(b -> b.instanceIds(batch)).reservations()) {
        for (Instance i : r.instances()) {
          String host = host(i);
          if (host != null) {
            addressOfInstance.put(i.instanceId(), host);
          }
        }
      }
    }
    if (byContainerInstance.size() > MAX_ENTRIES) {
      byContainerInstance.clear();
    }
    instanceOf.forEach(
        (arn, instance) -> {
          String host = addressOfInstance.get(instance);
          if (host != null) {
            byContainerInstance.put(arn, host);
            result.put(arn, host);
          }
        });
    return result;
  }

  private static String host(Instance i) {
    if (i.privateIpAddress() != null && !i.privateIpAddress().isBlank()) {
      return i.privateIpAddress();
    }
    for (InstanceNetworkInterface n : i.networkInterfaces()) {
      for (InstanceIpv6Address a : n.ipv6Addresses()) {
        if (a.ipv6Address() != null && !a.ipv6Address().isBlank()) {
          return "[" + a.ipv6Address() + "]";
        }
      }
    }
    return null;
  }
}
