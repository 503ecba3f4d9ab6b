package io.heapfleet.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.ec2.IConnectable;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ecs.ContainerDefinition;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.secretsmanager.Secret;

/**
 * {@link HeapfleetAgent} on an existing app's task definition that already runs another agent
 * (ADOT's): the init container and shared volume, {@code JAVA_TOOL_OPTIONS} appended, the secret,
 * the port, the security-group rule and the ephemeral storage for a dump of the heap.
 */
class HeapfleetAgentTest {
  static final String ADOT = "-javaagent:/otel-auto-instrumentation/javaagent.jar";
  static Template template;

  @BeforeAll
  static void synthesize() {
    App app = new App();
    Stack stack = new Stack(app, "orders");
    Fixture f = new Fixture(stack);
    addAgent(
        stack,
        f,
        24 * 1024,
        SecurityGroup.fromSecurityGroupId(stack, "Collector", "sg-0collector"),
        f.appGroup);
    template = Template.fromStack(stack);
  }

  /** An app task definition with its own JAVA_TOOL_OPTIONS, as a team's CDK app has it. */
  static final class Fixture {
    final FargateTaskDefinition task;
    final ContainerDefinition app;
    final SecurityGroup appGroup;

    Fixture(Stack stack) {
      task =
          FargateTaskDefinition.Builder.create(stack, "Task")
              .cpu(1024)
              .memoryLimitMiB(32768)
              .build();
      app =
          task.addContainer(
              "orders",
              ContainerDefinitionOptions.builder()
                  .image(ContainerImage.fromRegistry("public.ecr.aws/example/orders:1"))
                  .environment(Map.of("JAVA_TOOL_OPTIONS", ADOT, "SPRING_PROFILES_ACTIVE", "prod"))
                  .build());
      software.amazon.awscdk.services.ec2.IVpc vpc =
          software.amazon.awscdk.services.ec2.Vpc.fromVpcAttributes(
              stack,
              "Vpc",
              software.amazon.awscdk.services.ec2.VpcAttributes.builder()
                  .vpcId("vpc-0abc")
                  .availabilityZones(List.of("eu-west-1a"))
                  .privateSubnetIds(List.of("subnet-0a"))
                  .build());
      appGroup = SecurityGroup.Builder.create(stack, "AppGroup").vpc(vpc).build();
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> container(String name) {
    Map<String, Object> task =
        (Map<String, Object>)
            template
                .findResources("AWS::ECS::TaskDefinition")
                .values()
                .iterator()
                .next()
                .get("Properties");
    for (Object c : (List<Object>) task.get("ContainerDefinitions")) {
      Map<String, Object> m = (Map<String, Object>) c;
      if (name.equals(m.get("Name"))) {
        return m;
      }
    }
    throw new AssertionError("no container " + name);
  }

  /**
   * The agent on {@code f}'s app container: the test image and secret, port 9091, an app heap of
   * {@code heapMiB}, 4 GiB of app disk, and the collector's and the app's security groups (both may
   * be null).
   */
  static HeapfleetAgent addAgent(
      Stack stack, Fixture f, int heapMiB, ISecurityGroup collector, IConnectable app) {
    return new HeapfleetAgent(
        stack,
        "Heapfleet",
        f.task,
        f.app,
        new HeapfleetAgent.Props(
            ContainerImage.fromRegistry("public.ecr.aws/example/heapfleet-agent:test"),
            Secret.fromSecretCompleteArn(
                stack,
                "HeapfleetSecret",
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:heapfleet-AbCdEf"),
            9091,
            heapMiB,
            4,
            collector,
            app));
  }

  @Test
  void javaToolOptionsKeepsTheExistingAgentAndAppendsHeapfleets() {
    assertThat((List<Object>) container("orders").get("Environment"))
        .contains(
            Map.of(
                "Name",
                "JAVA_TOOL_OPTIONS",
                "Value",
                ADOT + " -javaagent:/opt/heapfleet-agent/heapfleet-agent.jar"),
            Map.of("Name", "SPRING_PROFILES_ACTIVE", "Value", "prod"));
  }

  @Test
  void initContainerCopiesTheJarIntoAVolumeTheAppMountsReadOnlyAndWaitsFor() {
    Map<String, Object> init = container("heapfleet-agent-init");
    assertThat(init)
        .containsEntry("Essential", false)
        .containsEntry("Image", "public.ecr.aws/example/heapfleet-agent:test")
        .containsEntry(
            "MountPoints",
            List.of(
                Map.of(
                    "ContainerPath", "/opt/heapfleet-agent",
                    "ReadOnly", false,
                    "SourceVolume", "heapfleet-agent")));
    Map<String, Object> app = container("orders");
    assertThat(app)
        .containsEntry(
            "MountPoints",
            List.of(
                Map.of(
                    "ContainerPath", "/opt/heapfleet-agent",
                    "ReadOnly", true,
                    "SourceVolume", "heapfleet-agent")))
        .containsEntry(
            "DependsOn",
            List.of(Map.of("Condition", "SUCCESS", "ContainerName", "heapfleet-agent-init")))
        .containsEntry("PortMappings", List.of(Map.of("ContainerPort", 9091, "Protocol", "tcp")));
    assertThat((List<Object>) app.get("Secrets"))
        .containsExactly(
            Map.of(
                "Name", "HEAPFLEET_SECRET",
                "ValueFrom",
                    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:heapfleet-AbCdEf"));
  }

  @Test
  void ephemeralStorageHoldsADumpOfTheHeapBesidesTheAppsDisk() {
    // 24 GiB heap + 4 GiB for the app: more than Fargate's default 20 GiB.
    template.hasResourceProperties(
        "AWS::ECS::TaskDefinition",
        Match.objectLike(Map.of("EphemeralStorage", Map.of("SizeInGiB", 28))));
  }

  @Test
  void collectorGroupMayReachTheAgentPort() {
    template.hasResourceProperties(
        "AWS::EC2::SecurityGroupIngress",
        Match.objectLike(
            Map.of(
                "SourceSecurityGroupId",
                "sg-0collector",
                "FromPort",
                9091,
                "ToPort",
                9091,
                "IpProtocol",
                "tcp")));
  }

  @Test
  void executionRoleMayReadOnlyTheSharedSecret() {
    assertThat(IamStatements.violations(template.toJSON())).isEmpty();
    PolicyTemplates.hasPolicyStatements(
        template,
        Map.of(
            "Resource", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:heapfleet-AbCdEf"));
  }

  @Test
  void replacingJavaToolOptionsAfterTheAgentFailsSynthesis() {
    App app = new App();
    Stack stack = new Stack(app, "late");
    Fixture f = new Fixture(stack);
    addAgent(stack, f, 512, null, null);
    f.app.addEnvironment("JAVA_TOOL_OPTIONS", "-Xss1m");
    assertThatThrownBy(app::synth)
        .hasMessageContaining("JAVA_TOOL_OPTIONS of container orders no longer holds")
        .hasMessageContaining("-javaagent:/opt/heapfleet-agent/heapfleet-agent.jar");
  }

  @Test
  void badPropsAreRefusedWithTheValue() {
    assertThatThrownBy(
            () ->
                new HeapfleetAgent.Props(
                    ContainerImage.fromRegistry("x"), null, 9091, 512, 4, null, null))
        .hasMessageContaining("the agent image and the secret");
  }
}
