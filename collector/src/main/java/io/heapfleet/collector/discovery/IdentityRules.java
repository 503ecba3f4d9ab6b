package io.heapfleet.collector.discovery;

import io.heapfleet.auth.TaskCredentials;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the collector accepts as an identity from an endpoint, checked before the identity is used
 * for anything (a target, a log line, an S3 key): the task id follows the agent's own rule ({@code
 * [A-Za-z0-9._-]{1,128}}, {@link TaskCredentials#isValidTaskId}); cluster and service follow ECS's
 * naming rule ({@code [A-Za-z0-9._-]{1,255}}). Stateless.
 */
public final class IdentityRules {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,255}");

  private IdentityRules() {}

  /** Whether {@code taskId} may be a task id. */
  public static boolean isValidTaskId(String taskId) {
    return TaskCredentials.isValidTaskId(taskId);
  }

  /** Whether {@code name} may be a cluster or service name. */
  public static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /**
   * Checks an identity an endpoint reported.
   *
   * @throws IllegalArgumentException naming the field (never echoing its value) when one breaks its
   *     rule
   */
  public static IdentityProbe.Identity check(
      String taskId, Optional<String> cluster, Optional<String> service) {
    if (!isValidTaskId(taskId)) {
      throw new IllegalArgumentException(
          "the reported task id breaks the rule [A-Za-z0-9._-]{1,128} ("
              + (taskId == null ? 0 : taskId.length())
              + " characters)");
    }
    if (cluster.isPresent() && !isValidName(cluster.get())) {
      throw new IllegalArgumentException(
          "task " + taskId + " reports a cluster name that breaks the rule [A-Za-z0-9._-]{1,255}");
    }
    if (service.isPresent() && !isValidName(service.get())) {
      throw new IllegalArgumentException(
          "task " + taskId + " reports a service name that breaks the rule [A-Za-z0-9._-]{1,255}");
    }
    return new IdentityProbe.Identity(taskId, cluster, service);
  }
}
