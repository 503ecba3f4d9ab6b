package io.heapfleet.infra;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.ISubnet;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.Subnet;
import software.amazon.awscdk.services.ec2.SubnetAttributes;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.amazon.awscdk.services.ec2.VpcLookupOptions;
import software.amazon.awscdk.services.ecr.assets.DockerImageAsset;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.constructs.Construct;

/**
 * heapfleet in one AWS account and region: the dump bucket, the HMAC secret and the collector's API
 * token, the collector service with its roles and security group, the optional KMS key, VPC
 * endpoints and internal HTTPS load balancer, and the alarms. The agent is added to the app
 * services with {@link HeapfleetAgent}; this stack publishes what it needs (secret ARN, agent
 * image, collector security group) as outputs.
 */
public final class HeapfleetStack extends Stack {
  private final HeapfleetSettings settings;
  private final DumpBucket bucket;
  private final ISecret hmacSecret;
  private final ISecret apiToken;
  private final IKey key;
  private final CollectorService collector;
  private final ContainerImage agentImage;

  /**
   * @param projectRoot the heapfleet checkout the images are built from (unused for an image given
   *     as a URI in the settings)
   */
  public HeapfleetStack(
      Construct scope, String id, StackProps props, HeapfleetSettings settings, Path projectRoot) {
    super(scope, id, props);
    // Access-log delivery through the bucket policy (no ACLs: the log bucket is owner-enforced).
    getNode().setContext("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", true);
    this.settings = settings;
    key = settings.kms() ? new EncryptionKey(this, "Key", !settings.destroyBucket()).key() : null;
    bucket = new DumpBucket(this, "Dumps", settings, key);

    hmacSecret =
        Secret.Builder.create(this, "HmacSecret")
            .description(
                "heapfleet: the shared secret of the /heapdump tokens (agents' HEAPFLEET_SECRET)")
            .generateSecretString(randomCharacters())
            .encryptionKey(key)
            .removalPolicy(RemovalPolicy.RETAIN)
            .build();
    apiToken =
        Secret.Builder.create(this, "ApiToken")
            .description("heapfleet: bearer token of the collector's API and dashboard")
            .generateSecretString(randomCharacters())
            .encryptionKey(key)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();

    IVpc vpc = vpc(settings);
    SubnetSelection subnets = subnets(settings);
    ContainerImage collectorImage =
        settings
            .collectorImage()
            .<ContainerImage>map(ContainerImage::fromRegistry)
            .orElseGet(() -> ProjectImages.collector(projectRoot));
    String agentImageUri;
    if (settings.agentImage().isPresent()) {
      agentImageUri = settings.agentImage().get();
      agentImage = ContainerImage.fromRegistry(agentImageUri);
    } else {
      DockerImageAsset asset = ProjectImages.agent(this, "AgentImage", projectRoot);
      agentImageUri = asset.getImageUri();
      agentImage = ContainerImage.fromDockerImageAsset(asset);
    }

    collector =
        new CollectorService(
            this,
            "Collector",
            new CollectorService.Parts(
                settings,
                vpc,
                subnets,
                bucket.bucket(),
                hmacSecret,
                apiToken,
                key,
                collectorImage));

    for (int i = 0; i < settings.appSecurityGroupIds().size(); i++) {
      ISecurityGroup app =
          SecurityGroup.fromSecurityGroupId(
              this, "AppSecurityGroup" + i, settings.appSecurityGroupIds().get(i));
      HeapfleetAgent.allowCollector(collector.securityGroup(), app, settings.agentPort());
    }
    if (settings.vpcEndpoints()) {
      addVpcEndpoints(vpc, subnets);
    }
    settings
        .albCertificateArn()
        .ifPresent(arn -> new CollectorLoadBalancer(this, "Api", vpc, subnets, collector, arn));
    CollectorAlarms alarms = new CollectorAlarms(this, "Alarms", settings, collector);
    ScaleOutSettings scaleOut = ScaleOutSettings.fromContext(getNode());
    if (scaleOut.enabled()) {
      new ScaleOut(this, "ScaleOut", settings, scaleOut, collector);
    }

    CfnOutput.Builder.create(this, "BucketName").value(bucket.bucket().getBucketName()).build();
    CfnOutput.Builder.create(this, "HmacSecretArn")
        .description("the agents' HEAPFLEET_SECRET (ECS secret valueFrom)")
        .value(hmacSecret.getSecretArn())
        .build();
    CfnOutput.Builder.create(this, "ApiTokenSecretArn").value(apiToken.getSecretArn()).build();
    CfnOutput.Builder.create(this, "CollectorSecurityGroupId")
        .description("allow this group on the agent port of your app tasks")
        .value(collector.securityGroup().getSecurityGroupId())
        .build();
    CfnOutput.Builder.create(this, "AgentImageUri")
        .description("the agent's init-container image")
        .value(agentImageUri)
        .build();
    CfnOutput.Builder.create(this, "AlarmTopicArn").value(alarms.topic().getTopicArn()).build();
  }

  private static SecretStringGenerator randomCharacters() {
    return SecretStringGenerator.builder()
        .passwordLength(64)
        .excludePunctuation(true)
        .includeSpace(false)
        .build();
  }

  private IVpc vpc(HeapfleetSettings settings) {
    if (settings.subnetIds().isEmpty()) {
      return Vpc.fromLookup(
          this, "Vpc", VpcLookupOptions.builder().vpcId(settings.vpcId()).build());
    }
    VpcAttributes.Builder attrs =
        VpcAttributes.builder()
            .vpcId(settings.vpcId())
            .availabilityZones(settings.availabilityZones())
            .privateSubnetIds(settings.subnetIds());
    if (!settings.routeTableIds().isEmpty()) {
      attrs.privateSubnetRouteTableIds(settings.routeTableIds());
    }
    settings.vpcCidr().ifPresent(attrs::vpcCidrBlock);
    return Vpc.fromVpcAttributes(this, "Vpc", attrs.build());
  }

  private SubnetSelection subnets(HeapfleetSettings settings) {
    if (settings.subnetIds().isEmpty()) {
      return SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build();
    }
    List<ISubnet> list = new ArrayList<>();
    for (int i = 0; i < settings.subnetIds().size(); i++) {
      SubnetAttributes.Builder a =
          SubnetAttributes.builder()
              .subnetId(settings.subnetIds().get(i))
              .availabilityZone(
                  settings.availabilityZones().get(i % settings.availabilityZones().size()));
      if (!settings.routeTableIds().isEmpty()) {
        a.routeTableId(settings.routeTableIds().get(i));
      }
      list.add(Subnet.fromSubnetAttributes(this, "Subnet" + i, a.build()));
    }
    return SubnetSelection.builder().subnets(list).build();
  }

  /** Endpoints so that the collector runs in private subnets without a NAT gateway. */
  private void addVpcEndpoints(IVpc vpc, SubnetSelection subnets) {
    vpc.addGatewayEndpoint(
        "S3",
        GatewayVpcEndpointOptions.builder()
            .service(GatewayVpcEndpointAwsService.S3)
            .subnets(List.of(subnets))
            .build());
    SecurityGroup endpoints =
        SecurityGroup.Builder.create(this, "EndpointSecurityGroup")
            .vpc(vpc)
            .description("heapfleet: interface endpoints, HTTPS from the collector")
            .allowAllOutbound(false)
            .build();
    endpoints.addIngressRule(
        Peer.securityGroupId(collector.securityGroup().getSecurityGroupId()),
        Port.tcp(443),
        "the collector");
    record Endpoint(String id, InterfaceVpcEndpointAwsService service) {}
    for (Endpoint e :
        List.of(
            new Endpoint("Ecs", InterfaceVpcEndpointAwsService.ECS),
            new Endpoint("SecretsManager", InterfaceVpcEndpointAwsService.SECRETS_MANAGER),
            new Endpoint("Logs", InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS),
            new Endpoint("EcrApi", InterfaceVpcEndpointAwsService.ECR),
            new Endpoint("EcrDocker", InterfaceVpcEndpointAwsService.ECR_DOCKER))) {
      vpc.addInterfaceEndpoint(
          e.id(),
          InterfaceVpcEndpointOptions.builder()
              .service(e.service())
              .subnets(subnets)
              .securityGroups(List.of(endpoints))
              .privateDnsEnabled(true)
              .open(false)
              .build());
    }
  }

  public HeapfleetSettings settings() {
    return settings;
  }

  /** The dump bucket. */
  public DumpBucket dumps() {
    return bucket;
  }

  /** The agents' shared secret (their {@code HEAPFLEET_SECRET}). */
  public ISecret hmacSecret() {
    return hmacSecret;
  }

  /** The collector's API token. */
  public ISecret apiToken() {
    return apiToken;
  }

  /** The collector service. */
  public CollectorService collector() {
    return collector;
  }

  /** The agent's init-container image. */
  public ContainerImage agentImage() {
    return agentImage;
  }

  /** The customer managed key, or null with SSE-S3. */
  public IKey key() {
    return key;
  }
}
