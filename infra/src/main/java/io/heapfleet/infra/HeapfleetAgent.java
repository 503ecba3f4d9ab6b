package io.heapfleet.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ec2.IConnectable;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ecs.CfnTaskDefinition;
import software.amazon.awscdk.services.ecs.ContainerDefinition;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerDependency;
import software.amazon.awscdk.services.ecs.ContainerDependencyCondition;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.MountPoint;
import software.amazon.awscdk.services.ecs.PortMapping;
import software.amazon.awscdk.services.ecs.Secret;
import software.amazon.awscdk.services.ecs.TaskDefinition;
import software.amazon.awscdk.services.ecs.Volume;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.constructs.Construct;

/**
 * Adds the heapfleet agent to an existing app's ECS task definition, the way the ADOT and Datadog
 * constructs add theirs: an init container copies {@code heapfleet-agent.jar} into a volume shared
 * with the app container, which starts only after the copy succeeded; the app's {@code
 * JAVA_TOOL_OPTIONS} gets {@code -javaagent:...} appended (an agent already there, ADOT's or
 * Datadog's, keeps working); {@code HEAPFLEET_SECRET} comes from the shared secret as an ECS
 * secret; the agent port is mapped; the collector's security group may reach it; and a Fargate task
 * gets ephemeral storage for a dump of its heap.
 *
 * <p>Call it after the app container's environment is set: a {@code JAVA_TOOL_OPTIONS} set later
 * would replace the agent's option, and synthesis then fails saying so. Not thread-safe (CDK
 * constructs are built on one thread).
 */
public final class HeapfleetAgent extends Construct {
  /** Where the init container copies the jar and the app container finds it. */
  public static final String AGENT_DIR = "/opt/heapfleet-agent";

  /** The option appended to {@code JAVA_TOOL_OPTIONS}. */
  public static final String JAVAAGENT = "-javaagent:" + AGENT_DIR + "/heapfleet-agent.jar";

  static final String VOLUME = "heapfleet-agent";
  static final String INIT_CONTAINER = "heapfleet-agent-init";

  /**
   * What the agent needs.
   *
   * @param image the agent image ({@code agent-endpoint/Dockerfile}; {@link
   *     HeapfleetStack#agentImage()} or the stack's {@code AgentImageUri} output)
   * @param secret the shared secret ({@link HeapfleetStack#hmacSecret()} or imported by its ARN)
   * @param port the agent's port (the collector's {@code agentPort})
   * @param heapMiB the app's maximum heap: a dump needs about that much free disk
   * @param appDiskGiB disk the app itself needs besides a dump
   * @param collectorSecurityGroup the collector's group, allowed to the agent port (null: none)
   * @param appSecurityGroup the app service's group, or null when the rule is made elsewhere
   */
  public record Props(
      ContainerImage image,
      ISecret secret,
      int port,
      int heapMiB,
      int appDiskGiB,
      ISecurityGroup collectorSecurityGroup,
      IConnectable appSecurityGroup) {
    public Props {
      if (image == null || secret == null) {
        throw new IllegalArgumentException("HeapfleetAgent needs the agent image and the secret");
      }
      if (port <= 0 || port > 65535) {
        throw new IllegalArgumentException("agent port [" + port + "] is not a TCP port");
      }
      if (heapMiB <= 0 || appDiskGiB < 0) {
        throw new IllegalArgumentException(
            "heapMiB ["
                + heapMiB
                + "] must be positive, appDiskGiB ["
                + appDiskGiB
                + "] not negative");
      }
    }
  }

  private final ContainerDefinition init;

  public HeapfleetAgent(
      Construct scope,
      String id,
      TaskDefinition taskDefinition,
      ContainerDefinition app,
      Props props) {
    super(scope, id);
    taskDefinition.addVolume(Volume.builder().name(VOLUME).build());
    init =
        taskDefinition.addContainer(
            INIT_CONTAINER,
            ContainerDefinitionOptions.builder()
                .image(props.image())
                .essential(false)
                .readonlyRootFilesystem(true)
                .memoryReservationMiB(32)
                .build());
    init.addMountPoints(
        MountPoint.builder().sourceVolume(VOLUME).containerPath(AGENT_DIR).readOnly(false).build());
    app.addMountPoints(
        MountPoint.builder().sourceVolume(VOLUME).containerPath(AGENT_DIR).readOnly(true).build());
    app.addContainerDependencies(
        ContainerDependency.builder()
            .container(init)
            .condition(ContainerDependencyCondition.SUCCESS)
            .build());

    String existing = environment(app, "JAVA_TOOL_OPTIONS");
    String options =
        existing == null || existing.isBlank() ? JAVAAGENT : existing + " " + JAVAAGENT;
    app.addEnvironment("JAVA_TOOL_OPTIONS", options);
    if (props.port() != 9091) {
      app.addEnvironment("HEAPFLEET_PORT", Integer.toString(props.port()));
    }
    app.addSecret("HEAPFLEET_SECRET", Secret.fromSecretsManager(props.secret()));
    app.addPortMappings(PortMapping.builder().containerPort(props.port()).build());
    if (props.collectorSecurityGroup() != null && props.appSecurityGroup() != null) {
      allowCollector(props.collectorSecurityGroup(), props.appSecurityGroup(), props.port());
    }
    if (taskDefinition instanceof FargateTaskDefinition fargate) {
      sizeEphemeralStorage(fargate, props);
    }
    Annotations.of(this)
        .addInfo(
            "heapfleet: a heap dump pauses the JVM for seconds (about 1 s per 100 MB of heap). Give"
                + " the app's container and load balancer health checks room: interval x retries"
                + " well above the pause, so a dump never gets the task replaced.");
    // A JAVA_TOOL_OPTIONS set after this construct would drop the agent silently: refuse it.
    getNode()
        .addValidation(
            () -> {
              String now = environment(app, "JAVA_TOOL_OPTIONS");
              return now != null && now.contains(JAVAAGENT)
                  ? List.of()
                  : List.of(
                      "JAVA_TOOL_OPTIONS of container "
                          + app.getContainerName()
                          + " no longer holds "
                          + JAVAAGENT
                          + ": set the app's own options before adding HeapfleetAgent");
            });
  }

  /**
   * Lets the collector reach the agent port: ingress on the app's group from the collector's group
   * and, when the collector's group restricts its egress, the matching egress rule.
   */
  public static void allowCollector(ISecurityGroup collector, IConnectable app, int port) {
    app.getConnections().allowFrom(collector, Port.tcp(port), "heapfleet collector to the agent");
  }

  /**
   * Raises a Fargate task's ephemeral storage so that a dump of the whole heap fits besides what
   * the app needs; never lowers it.
   */
  private static void sizeEphemeralStorage(FargateTaskDefinition task, Props props) {
    int heapGiB = (props.heapMiB() + 1023) / 1024;
    int needed = heapGiB + props.appDiskGiB();
    Number current = task.getEphemeralStorageGiB();
    int have = current == null ? HeapfleetSettings.DEFAULT_EPHEMERAL_GIB : current.intValue();
    if (needed > have) {
      if (needed > 200) {
        throw new IllegalArgumentException(
            "a dump of a "
                + props.heapMiB()
                + " MiB heap needs "
                + needed
                + " GiB of ephemeral storage; Fargate offers at most 200");
      }
      CfnTaskDefinition cfn = (CfnTaskDefinition) task.getNode().getDefaultChild();
      cfn.addPropertyOverride("EphemeralStorage.SizeInGiB", Math.max(21, needed));
    }
  }

  /**
   * The value of one environment variable of {@code container} as rendered now, or null. Read
   * through the rendered container definition, resolved to plain data, because the container keeps
   * its environment private.
   */
  static String environment(ContainerDefinition container, String name) {
    Object rendered =
        Stack.of(container).resolve(container.renderContainerDefinition().getEnvironment());
    if (!(rendered instanceof List<?> list)) {
      return null;
    }
    for (Object entry : list) {
      if (entry instanceof Map<?, ?> m) {
        Object key = m.containsKey("name") ? m.get("name") : m.get("Name");
        Object value = m.containsKey("value") ? m.get("value") : m.get("Value");
        if (name.equals(key)) {
          return value == null ? null : value.toString();
        }
      }
    }
    return null;
  }

  /** The init container that copies the jar. */
  public ContainerDefinition initContainer() {
    return init;
  }
}
