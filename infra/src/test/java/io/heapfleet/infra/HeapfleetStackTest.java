package io.heapfleet.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The stack with every option but KMS on (access logs, VPC endpoints, internal HTTPS load balancer,
 * app security groups), synthesized once: the bucket and its policies and lifecycle, the secrets,
 * the collector's task definition and service, the network, IAM and the alarms.
 */
class HeapfleetStackTest {
  static Template template;
  static Map<String, Object> json;

  @BeforeAll
  static void synthesize() {
    HeapfleetSettings settings =
        Synth.settings()
            .accessLogs(true)
            .vpcEndpoints(true)
            .albCertificateArn("arn:aws:acm:eu-west-1:123456789012:certificate/abc")
            .appSecurityGroupIds(List.of("sg-0app1", "sg-0app2"))
            .alarmEmail("oncall@example.com")
            .build();
    template = Synth.template(Synth.stack(settings));
    json = template.toJSON();
  }

  @Test
  void bucketBlocksPublicAccessEnforcesOwnerAndIsEncryptedWithSseS3() {
    template.hasResourceProperties(
        "AWS::S3::Bucket",
        Match.objectLike(
            Map.of(
                "PublicAccessBlockConfiguration",
                Map.of(
                    "BlockPublicAcls", true,
                    "BlockPublicPolicy", true,
                    "IgnorePublicAcls", true,
                    "RestrictPublicBuckets", true),
                "OwnershipControls",
                Map.of("Rules", List.of(Map.of("ObjectOwnership", "BucketOwnerEnforced"))),
                "BucketEncryption",
                Map.of(
                    "ServerSideEncryptionConfiguration",
                    List.of(
                        Map.of("ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256")))),
                "LoggingConfiguration",
                Match.objectLike(Map.of("LogFilePrefix", "heapfleet-bucket/")))));
  }

  @Test
  void bucketIsRetainedWhenTheStackIsDeleted() {
    template.hasResource(
        "AWS::S3::Bucket",
        Match.objectLike(
            Map.of(
                "DeletionPolicy",
                "Retain",
                "Properties",
                Match.objectLike(Map.of("LifecycleConfiguration", Match.anyValue())))));
  }

  @Test
  void lifecycleAbortsUploadsAfterADayAndExpiresDumpsBeforeSummaries() {
    template.hasResourceProperties(
        "AWS::S3::Bucket",
        Match.objectLike(
            Map.of(
                "LifecycleConfiguration",
                Map.of(
                    "Rules",
                    List.of(
                        Map.of(
                            "Id", "abort-incomplete-multipart-uploads",
                            "AbortIncompleteMultipartUpload", Map.of("DaysAfterInitiation", 1),
                            "Status", "Enabled"),
                        Map.of(
                            "Id", "expire-dumps",
                            "Prefix", "heapdumps/",
                            "ObjectSizeGreaterThan", (1 << 20) - 1,
                            "ExpirationInDays", 14,
                            "Status", "Enabled"),
                        Map.of(
                            "Id", "expire-summaries",
                            "Prefix", "heapdumps/",
                            "ObjectSizeLessThan", 1 << 20,
                            "ExpirationInDays", 365,
                            "Status", "Enabled"))))));
  }

  @Test
  void everyBucketPolicyDeniesRequestsWithoutTls() {
    Map<String, Map<String, Object>> policies = template.findResources("AWS::S3::BucketPolicy");
    assertThat(policies).hasSize(2); // the dump bucket and its access-log bucket
    template.allResourcesProperties(
        "AWS::S3::BucketPolicy",
        Match.objectLike(
            Map.of(
                "PolicyDocument",
                Match.objectLike(
                    Map.of(
                        "Statement",
                        Match.arrayWith(
                            List.of(
                                Match.objectLike(
                                    Map.of(
                                        "Effect",
                                        "Deny",
                                        "Action",
                                        "s3:*",
                                        "Principal",
                                        Map.of("AWS", "*"),
                                        "Condition",
                                        Map.of(
                                            "Bool",
                                            Map.of("aws:SecureTransport", "false")))))))))));
  }

  @Test
  void secretsAre64RandomCharacters() {
    Map<String, Map<String, Object>> secrets =
        template.findResources("AWS::SecretsManager::Secret");
    assertThat(secrets).hasSize(2);
    template.allResourcesProperties(
        "AWS::SecretsManager::Secret",
        Match.objectLike(
            Map.of(
                "GenerateSecretString",
                Map.of("PasswordLength", 64, "ExcludePunctuation", true, "IncludeSpace", false))));
  }

  @Test
  void collectorTaskIsConfiguredThroughItsOwnPropertyNames() {
    template.hasResourceProperties(
        "AWS::ECS::TaskDefinition",
        Match.objectLike(
            Map.of(
                "Cpu",
                "512",
                "Memory",
                "1024",
                "RequiresCompatibilities",
                List.of("FARGATE"),
                "NetworkMode",
                "awsvpc",
                "Volumes",
                List.of(Map.of("Name", "tmp")),
                "ContainerDefinitions",
                List.of(
                    Match.objectLike(
                        Map.of(
                            "Name",
                            "collector",
                            "Essential",
                            true,
                            "ReadonlyRootFilesystem",
                            true,
                            "User",
                            "185",
                            "Environment",
                            Match.arrayWith(
                                List.of(
                                    env("HEAPFLEET_COLLECTOR_DISCOVERY_MODE", "ecs"),
                                    env("HEAPFLEET_COLLECTOR_DISCOVERY_ECS_CLUSTER", "prod"),
                                    env(
                                        "HEAPFLEET_COLLECTOR_DISCOVERY_ECS_SERVICES",
                                        "checkout,catalog"),
                                    env("HEAPFLEET_COLLECTOR_DISCOVERY_ECS_PORT", "9091"),
                                    env("HEAPFLEET_COLLECTOR_SCHEDULE_INTERVAL", "30m"),
                                    env("HEAPFLEET_COLLECTOR_S3_PREFIX", "heapdumps"),
                                    env("HEAPFLEET_COLLECTOR_DEEP_TEMP_DIR", "/var/heapfleet/tmp"),
                                    env(
                                        "JAVA_OPTS",
                                        "-Xmx512m -Djava.io.tmpdir=/var/heapfleet/tmp"))),
                            "Secrets",
                            List.of(
                                Match.objectLike(Map.of("Name", "HEAPFLEET_COLLECTOR_API_TOKEN"))),
                            "MountPoints",
                            List.of(
                                Map.of(
                                    "SourceVolume", "tmp",
                                    "ContainerPath", "/var/heapfleet/tmp",
                                    "ReadOnly", false)),
                            "HealthCheck",
                            Match.objectLike(
                                Map.of("Command", List.of("CMD", "/opt/heapfleet/ready.sh"))),
                            "LogConfiguration",
                            Match.objectLike(Map.of("LogDriver", "awslogs"))))))));
    // The default deep-analysis limit (512 MiB) fits Fargate's default 20 GiB twice over.
    Map<String, Object> props = only("AWS::ECS::TaskDefinition");
    assertThat(props).doesNotContainKey("EphemeralStorage");
    template.hasResourceProperties(
        "AWS::Logs::LogGroup", Match.objectLike(Map.of("RetentionInDays", 30)));
  }

  @Test
  void serviceStopsTheOldCollectorBeforeStartingTheNewOne() {
    template.hasResourceProperties(
        "AWS::ECS::Service",
        Match.objectLike(
            Map.of(
                "DesiredCount",
                1,
                "LaunchType",
                "FARGATE",
                "Cluster",
                "prod",
                "DeploymentConfiguration",
                Map.of(
                    "MinimumHealthyPercent", 0,
                    "MaximumPercent", 100,
                    "DeploymentCircuitBreaker", Map.of("Enable", true, "Rollback", true)),
                "NetworkConfiguration",
                Map.of(
                    "AwsvpcConfiguration",
                    Match.objectLike(
                        Map.of(
                            "AssignPublicIp",
                            "DISABLED",
                            "Subnets",
                            List.of("subnet-0a", "subnet-0b")))))));
  }

  @Test
  void collectorReachesTheAgentPortOfTheAppGroupsAndHttpsOnly() {
    template.hasResourceProperties(
        "AWS::EC2::SecurityGroup",
        Match.objectLike(
            Map.of(
                "GroupDescription",
                "heapfleet collector: AWS APIs on 443, the agents' port on the app tasks",
                "SecurityGroupEgress",
                List.of(
                    Map.of(
                        "CidrIp", "0.0.0.0/0",
                        "Description", "AWS APIs (ECS, S3, Secrets Manager, logs)",
                        "FromPort", 443,
                        "ToPort", 443,
                        "IpProtocol", "tcp")))));
    for (String app : List.of("sg-0app1", "sg-0app2")) {
      template.hasResourceProperties(
          "AWS::EC2::SecurityGroupIngress",
          Match.objectLike(
              Map.of("GroupId", app, "FromPort", 9091, "ToPort", 9091, "IpProtocol", "tcp")));
      template.hasResourceProperties(
          "AWS::EC2::SecurityGroupEgress",
          Match.objectLike(
              Map.of(
                  "DestinationSecurityGroupId",
                  app,
                  "FromPort",
                  9091,
                  "ToPort",
                  9091,
                  "IpProtocol",
                  "tcp")));
    }
  }

  @Test
  void vpcEndpointsLetPrivateSubnetsWithoutNatReachTheServices() {
    template.hasResourceProperties(
        "AWS::EC2::VPCEndpoint",
        Match.objectLike(
            Map.of("VpcEndpointType", "Gateway", "RouteTableIds", List.of("rtb-0a", "rtb-0b"))));
    List<String> services = new java.util.ArrayList<>();
    template
        .findResources("AWS::EC2::VPCEndpoint")
        .values()
        .forEach(r -> services.add(String.valueOf(properties(r).get("ServiceName"))));
    assertThat(services)
        .hasSize(6)
        .anyMatch(s -> s.contains("com.amazonaws.eu-west-1.ecs"))
        .anyMatch(s -> s.contains("secretsmanager"))
        .anyMatch(s -> s.contains("logs"))
        .anyMatch(s -> s.contains("ecr.api"))
        .anyMatch(s -> s.contains("ecr.dkr"));
  }

  @Test
  void apiLoadBalancerIsInternalHttpsAndChecksReadiness() {
    template.hasResourceProperties(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        Match.objectLike(Map.of("Scheme", "internal", "Type", "application")));
    template.hasResourceProperties(
        "AWS::ElasticLoadBalancingV2::Listener",
        Match.objectLike(
            Map.of(
                "Port",
                443,
                "Protocol",
                "HTTPS",
                "Certificates",
                List.of(
                    Map.of(
                        "CertificateArn", "arn:aws:acm:eu-west-1:123456789012:certificate/abc")))));
    template.hasResourceProperties(
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        Match.objectLike(
            Map.of(
                "Port",
                8080,
                "HealthCheckPath",
                "/q/health/ready",
                "HealthCheckPort",
                "9000",
                "Matcher",
                Map.of("HttpCode", "200"))));
  }

  @Test
  void alarmsNotifyOneTopic() {
    template.resourceCountIs("AWS::SNS::Topic", 1);
    template.hasResourceProperties(
        "AWS::SNS::Subscription",
        Match.objectLike(Map.of("Protocol", "email", "Endpoint", "oncall@example.com")));
    List<String> names = new java.util.ArrayList<>();
    template
        .findResources("AWS::CloudWatch::Alarm")
        .values()
        .forEach(r -> names.add(String.valueOf(properties(r).get("AlarmName"))));
    assertThat(names)
        .containsExactlyInAnyOrder(
            "heapfleet-CapturesFailing",
            "heapfleet-WrongSecret",
            "heapfleet-NoStoredDump",
            "heapfleet-TaskLeaking",
            "heapfleet-DiscoveryFailing",
            "heapfleet-CollectorNotRunning");
    template.allResourcesProperties(
        "AWS::CloudWatch::Alarm",
        Match.objectLike(
            Map.of("AlarmActions", List.of(Match.objectLike(Map.of("Ref", Match.anyValue()))))));
    template.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Match.objectLike(
            Map.of(
                "AlarmName", "heapfleet-NoStoredDump",
                "Namespace", "Heapfleet",
                "MetricName", "CapturesStored",
                "Period", 7200,
                "ComparisonOperator", "LessThanThreshold",
                "TreatMissingData", "breaching")));
  }

  @Test
  void taskRoleHoldsOnlyWhatTheCollectorCalls() {
    PolicyTemplates.hasPolicyStatements(
        template,
        Map.of(
            "Sid",
            "DiscoverTasksOfTheCluster",
            "Action",
            "ecs:ListTasks",
            "Resource",
            "*",
            "Condition",
            Map.of("ArnEquals", Map.of("ecs:cluster", Match.anyValue()))),
        Map.of(
            "Sid",
            "DumpsUnderThePrefix",
            "Action",
            List.of("s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:DeleteObject")));
    // What ECS discovery calls besides ListTasks/DescribeTasks: the task definition (port and
    // container) and, for bridge/host tasks, the container instance and its EC2 address.
    List<String> actions =
        IamStatements.of(json).stream()
            .flatMap(st -> st.actions().stream())
            .map(String::valueOf)
            .toList();
    assertThat(actions)
        .contains(
            "ecs:DescribeTaskDefinition",
            "ecs:DescribeContainerInstances",
            "ec2:DescribeInstances");
    // No AWS managed policy: their wildcards would escape the check below.
    template
        .findResources("AWS::IAM::Role")
        .values()
        .forEach(r -> assertThat(properties(r)).doesNotContainKey("ManagedPolicyArns"));
  }

  @Test
  void noWildcardActionAndResourceStarOnlyWhereAwsRequiresIt() {
    assertThat(IamStatements.of(json)).hasSizeGreaterThan(8);
    assertThat(IamStatements.violations(json)).isEmpty();
  }

  static Map<String, Object> env(String name, String value) {
    return Map.of("Name", name, "Value", value);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> properties(Map<String, Object> resource) {
    return (Map<String, Object>) resource.get("Properties");
  }

  static Map<String, Object> only(String type) {
    Map<String, Map<String, Object>> found = template.findResources(type);
    assertThat(found).hasSize(1);
    return properties(found.values().iterator().next());
  }
}
