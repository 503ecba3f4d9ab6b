package io.heapfleet.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ClusterAttributes;
import software.amazon.awscdk.services.ecs.ContainerDefinition;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.CpuArchitecture;
import software.amazon.awscdk.services.ecs.DeploymentCircuitBreaker;
import software.amazon.awscdk.services.ecs.FargateService;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.HealthCheck;
import software.amazon.awscdk.services.ecs.ICluster;
import software.amazon.awscdk.services.ecs.LogDriver;
import software.amazon.awscdk.services.ecs.MountPoint;
import software.amazon.awscdk.services.ecs.OperatingSystemFamily;
import software.amazon.awscdk.services.ecs.PortMapping;
import software.amazon.awscdk.services.ecs.RuntimePlatform;
import software.amazon.awscdk.services.ecs.Secret;
import software.amazon.awscdk.services.ecs.Volume;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.constructs.Construct;

/**
 * The collector as one Fargate service: task definition sized from the settings, configuration as
 * environment, the API token as an ECS secret, a log group with retention, a read-only root
 * filesystem with a writable temp volume, a container health check on the readiness endpoint, and a
 * service of one task that is stopped before its replacement starts (minimum healthy 0 %, maximum
 * 100 %: two schedulers must never capture at once) with the deployment circuit breaker.
 *
 * <p>Its task role holds only what the collector calls: {@code ecs:ListTasks} and {@code
 * ecs:DescribeTasks} in the one cluster, the S3 object actions under the prefix, the bucket
 * listing, the HMAC secret and, with KMS, the key through S3 and Secrets Manager only.
 */
public final class CollectorService extends Construct {
  static final String CONTAINER = "collector";
  static final String TEMP_VOLUME = "tmp";

  private final FargateTaskDefinition taskDefinition;
  private final FargateService service;
  private final SecurityGroup securityGroup;
  private final Role taskRole;
  private final Role executionRole;
  private final LogGroup logGroup;
  private final ContainerDefinition container;

  /** What the service is built from. */
  public record Parts(
      HeapfleetSettings settings,
      IVpc vpc,
      SubnetSelection subnets,
      IBucket bucket,
      ISecret hmacSecret,
      ISecret apiToken,
      IKey key,
      ContainerImage image) {}

  public CollectorService(Construct scope, String id, Parts parts) {
    super(scope, id);
    HeapfleetSettings settings = parts.settings();
    String clusterArn =
        "arn:"
            + Aws.PARTITION
            + ":ecs:"
            + Aws.REGION
            + ":"
            + Aws.ACCOUNT_ID
            + ":cluster/"
            + settings.cluster();

    executionRole =
        Role.Builder.create(this, "ExecutionRole")
            .assumedBy(new ServicePrincipal("ecs-tasks.amazonaws.com"))
            .description("heapfleet collector: pull the image, write logs, inject the API token")
            .build();
    taskRole =
        Role.Builder.create(this, "TaskRole")
            .assumedBy(new ServicePrincipal("ecs-tasks.amazonaws.com"))
            .description("heapfleet collector: ECS discovery, the dump bucket, the HMAC secret")
            .build();
    grantCollector(taskRole, settings, clusterArn, parts);

    logGroup =
        LogGroup.Builder.create(this, "Logs")
            .retention(retention(settings.logRetentionDays()))
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();

    taskDefinition =
        FargateTaskDefinition.Builder.create(this, "TaskDefinition")
            .family("heapfleet-collector")
            .cpu(settings.cpu())
            .memoryLimitMiB(settings.memoryMiB())
            .ephemeralStorageGiB(
                settings.ephemeralGiB() > HeapfleetSettings.DEFAULT_EPHEMERAL_GIB
                    ? settings.ephemeralGiB()
                    : null)
            .runtimePlatform(
                RuntimePlatform.builder()
                    .cpuArchitecture(CpuArchitecture.X86_64)
                    .operatingSystemFamily(OperatingSystemFamily.LINUX)
                    .build())
            .executionRole(executionRole)
            .taskRole(taskRole)
            .volumes(List.of(Volume.builder().name(TEMP_VOLUME).build()))
            .build();

    String kmsArn = parts.key() == null ? null : parts.key().getKeyArn();
    Map<String, String> properties =
        CollectorConfig.properties(
            settings, parts.bucket().getBucketName(), parts.hmacSecret().getSecretArn(), kmsArn);
    Map<String, String> environment = new java.util.LinkedHashMap<>();
    environment.putAll(CollectorConfig.environment(properties));
    environment.put("JAVA_OPTS", CollectorConfig.javaOptions(settings));

    container =
        taskDefinition.addContainer(
            CONTAINER,
            ContainerDefinitionOptions.builder()
                .image(parts.image())
                .essential(true)
                .readonlyRootFilesystem(true)
                .user("185")
                .environment(environment)
                .secrets(
                    Map.of(
                        CollectorConfig.API_TOKEN_ENV, Secret.fromSecretsManager(parts.apiToken())))
                .portMappings(
                    List.of(
                        PortMapping.builder()
                            .containerPort(CollectorConfig.HTTP_PORT)
                            .name("http")
                            .build(),
                        PortMapping.builder()
                            .containerPort(CollectorConfig.MANAGEMENT_PORT)
                            .name("management")
                            .build()))
                .healthCheck(
                    HealthCheck.builder()
                        .command(List.of("CMD", "/opt/heapfleet/ready.sh"))
                        .interval(Duration.seconds(30))
                        .timeout(Duration.seconds(5))
                        .retries(3)
                        .startPeriod(Duration.seconds(120))
                        .build())
                .logging(
                    LogDriver.awsLogs(
                        software.amazon.awscdk.services.ecs.AwsLogDriverProps.builder()
                            .logGroup(logGroup)
                            .streamPrefix("collector")
                            .build()))
                .build());
    container.addMountPoints(
        MountPoint.builder()
            .sourceVolume(TEMP_VOLUME)
            .containerPath(CollectorConfig.TEMP_DIR)
            .readOnly(false)
            .build());

    securityGroup =
        SecurityGroup.Builder.create(this, "SecurityGroup")
            .vpc(parts.vpc())
            .description("heapfleet collector: AWS APIs on 443, the agents' port on the app tasks")
            .allowAllOutbound(false)
            .build();
    securityGroup.addEgressRule(
        Peer.anyIpv4(), Port.tcp(443), "AWS APIs (ECS, S3, Secrets Manager, logs)");

    ICluster cluster =
        Cluster.fromClusterAttributes(
            this,
            "Cluster",
            ClusterAttributes.builder()
                .clusterName(settings.cluster())
                .clusterArn(clusterArn)
                .vpc(parts.vpc())
                .securityGroups(List.of())
                .build());
    service =
        FargateService.Builder.create(this, "Service")
            .serviceName("heapfleet-collector")
            .cluster(cluster)
            .taskDefinition(taskDefinition)
            .desiredCount(1)
            // One scheduler at a time: the old task stops before the new one starts.
            .minHealthyPercent(0)
            .maxHealthyPercent(100)
            .circuitBreaker(DeploymentCircuitBreaker.builder().enable(true).rollback(true).build())
            .securityGroups(List.of(securityGroup))
            .vpcSubnets(parts.subnets())
            .assignPublicIp(false)
            .enableExecuteCommand(false)
            .build();
  }

  /**
   * {@code arn:…:ecs:<region>:<account>:<type>/<cluster>/*}: every such resource of the cluster.
   */
  private static String clusterScoped(String type, HeapfleetSettings settings) {
    return "arn:"
        + Aws.PARTITION
        + ":ecs:"
        + Aws.REGION
        + ":"
        + Aws.ACCOUNT_ID
        + ":"
        + type
        + "/"
        + settings.cluster()
        + "/*";
  }

  private static void grantCollector(
      Role role, HeapfleetSettings settings, String clusterArn, Parts parts) {
    // ListTasks cannot name a task resource; the ecs:cluster condition limits it to one cluster.
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .sid("DiscoverTasksOfTheCluster")
            .effect(Effect.ALLOW)
            .actions(List.of("ecs:ListTasks"))
            .resources(List.of("*"))
            .conditions(Map.of("ArnEquals", Map.of("ecs:cluster", clusterArn)))
            .build());
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .sid("DescribeTasksOfTheCluster")
            .effect(Effect.ALLOW)
            .actions(List.of("ecs:DescribeTasks"))
            .resources(List.of(clusterScoped("task", settings)))
            .conditions(Map.of("ArnEquals", Map.of("ecs:cluster", clusterArn)))
            .build());
    // Discovery reads each task's definition for the heapdump port and container.
    // DescribeTaskDefinition supports no resource-level permission: AWS accepts only "*".
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .sid("ReadTaskDefinitions")
            .effect(Effect.ALLOW)
            .actions(List.of("ecs:DescribeTaskDefinition"))
            .resources(List.of("*"))
            .build());
    // bridge/host tasks (EC2 launch type) are reached at their container instance's address.
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .sid("DescribeContainerInstancesOfTheCluster")
            .effect(Effect.ALLOW)
            .actions(List.of("ecs:DescribeContainerInstances"))
            .resources(List.of(clusterScoped("container-instance", settings)))
            .conditions(Map.of("ArnEquals", Map.of("ecs:cluster", clusterArn)))
            .build());
    // EC2 Describe* actions support no resource-level permission: AWS accepts only "*".
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .sid("AddressesOfContainerInstances")
            .effect(Effect.ALLOW)
            .actions(List.of("ec2:DescribeInstances"))
            .resources(List.of("*"))
            .build());
    if (settings.services().isEmpty()) {
      // No service list: the collector finds the services tagged heapfleet:enabled=true.
      role.addToPolicy(
          PolicyStatement.Builder.create()
              .sid("ListServicesOfTheCluster")
              .effect(Effect.ALLOW)
              .actions(List.of("ecs:ListServices"))
              .resources(List.of("*"))
              .conditions(Map.of("ArnEquals", Map.of("ecs:cluster", clusterArn)))
              .build());
      role.addToPolicy(
          PolicyStatement.Builder.create()
              .sid("DescribeServicesOfTheCluster")
              .effect(Effect.ALLOW)
              .actions(List.of("ecs:DescribeServices"))
              .resources(List.of(clusterScoped("service", settings)))
              .conditions(Map.of("ArnEquals", Map.of("ecs:cluster", clusterArn)))
              .build());
    }
    // HeadBucket (readiness) and ListObjectsV2 (series, restart) both need s3:ListBucket.
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .sid("ListTheBucket")
            .effect(Effect.ALLOW)
            .actions(List.of("s3:ListBucket"))
            .resources(List.of(parts.bucket().getBucketArn()))
            .build());
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .sid("DumpsUnderThePrefix")
            .effect(Effect.ALLOW)
            .actions(
                List.of(
                    // GetObject and HeadObject; PutObject covers the multipart calls and the copy.
                    "s3:GetObject",
                    "s3:PutObject",
                    "s3:AbortMultipartUpload",
                    // Retention removes old dumps.
                    "s3:DeleteObject"))
            .resources(List.of(parts.bucket().arnForObjects(HeapfleetSettings.PREFIX + "/*")))
            .build());
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .sid("ReadTheHmacSecret")
            .effect(Effect.ALLOW)
            .actions(List.of("secretsmanager:GetSecretValue"))
            .resources(List.of(parts.hmacSecret().getSecretArn()))
            .build());
    if (parts.key() != null) {
      role.addToPolicy(
          PolicyStatement.Builder.create()
              .sid("UseTheKeyThroughS3AndSecretsManager")
              .effect(Effect.ALLOW)
              .actions(List.of("kms:Decrypt", "kms:GenerateDataKey"))
              .resources(List.of(parts.key().getKeyArn()))
              .conditions(
                  Map.of(
                      "StringEquals",
                      Map.of(
                          "kms:ViaService",
                          List.of(
                              "s3." + Aws.REGION + ".amazonaws.com",
                              "secretsmanager." + Aws.REGION + ".amazonaws.com"))))
              .build());
    }
  }

  /** CloudWatch Logs accepts only these retention periods; the next one up is taken. */
  private static final int[] RETENTION_DAYS = {
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653
  };

  private static final RetentionDays[] RETENTIONS = {
    RetentionDays.ONE_DAY,
    RetentionDays.THREE_DAYS,
    RetentionDays.FIVE_DAYS,
    RetentionDays.ONE_WEEK,
    RetentionDays.TWO_WEEKS,
    RetentionDays.ONE_MONTH,
    RetentionDays.TWO_MONTHS,
    RetentionDays.THREE_MONTHS,
    RetentionDays.FOUR_MONTHS,
    RetentionDays.FIVE_MONTHS,
    RetentionDays.SIX_MONTHS,
    RetentionDays.ONE_YEAR,
    RetentionDays.THIRTEEN_MONTHS,
    RetentionDays.EIGHTEEN_MONTHS,
    RetentionDays.TWO_YEARS,
    RetentionDays.FIVE_YEARS,
    RetentionDays.TEN_YEARS
  };

  static RetentionDays retention(int days) {
    for (int i = 0; i < RETENTION_DAYS.length; i++) {
      if (RETENTION_DAYS[i] >= days) {
        return RETENTIONS[i];
      }
    }
    return RetentionDays.TEN_YEARS;
  }

  public FargateTaskDefinition taskDefinition() {
    return taskDefinition;
  }

  public FargateService service() {
    return service;
  }

  public SecurityGroup securityGroup() {
    return securityGroup;
  }

  public Role taskRole() {
    return taskRole;
  }

  public Role executionRole() {
    return executionRole;
  }

  public LogGroup logGroup() {
    return logGroup;
  }

  public ContainerDefinition container() {
    return container;
  }
}
