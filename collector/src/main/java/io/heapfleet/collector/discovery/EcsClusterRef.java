package io.heapfleet.collector.discovery;

import java.util.Optional;

/**
 * One cluster to discover, as configured: {@code <cluster name or ARN>[@<role ARN>]}. A cluster ARN
 * ({@code arn:aws:ecs:eu-west-1:222222222222:cluster/prod}) names its region (and account); a plain
 * name uses the default region. The role, when given, is assumed with {@code sts:AssumeRole} for
 * every call about this cluster (ECS and EC2), e.g. to reach another account. Immutable.
 *
 * @param cluster the cluster name or ARN, as ECS accepts it
 * @param region the cluster's region from its ARN, if it is an ARN
 * @param roleArn the role to assume, if any
 */
public record EcsClusterRef(String cluster, Optional<String> region, Optional<String> roleArn) {

  public EcsClusterRef {
    if (cluster == null || cluster.isBlank()) {
      throw new IllegalArgumentException("empty ECS cluster entry");
    }
  }

  /** Parses {@code <cluster name or ARN>[@<role ARN>]} (ECS cluster names cannot contain @). */
  public static EcsClusterRef parse(String entry) {
    String s = entry.strip();
    int at = s.indexOf('@');
    String cluster = at < 0 ? s : s.substring(0, at).strip();
    String role = at < 0 ? null : s.substring(at + 1).strip();
    if (role != null && !role.startsWith("arn:")) {
      throw new IllegalArgumentException(
          "ECS cluster entry '"
              + entry
              + "': after @ comes a role ARN (arn:aws:iam::ACCOUNT:role/NAME)");
    }
    Optional<String> region = Optional.empty();
    if (cluster.startsWith("arn:")) {
      String[] parts = cluster.split(":", 6);
      if (parts.length < 6 || !parts[2].equals("ecs") || !parts[5].startsWith("cluster/")) {
        throw new IllegalArgumentException(
            "ECS cluster entry '"
                + entry
                + "' is not a cluster ARN (arn:aws:ecs:REGION:ACCOUNT:cluster/NAME)");
      }
      region = Optional.of(parts[3]);
    }
    return new EcsClusterRef(cluster, region, Optional.ofNullable(role));
  }

  /** The cluster's name (the last segment of an ARN). */
  public String name() {
    return cluster.substring(cluster.lastIndexOf('/') + 1);
  }
}
