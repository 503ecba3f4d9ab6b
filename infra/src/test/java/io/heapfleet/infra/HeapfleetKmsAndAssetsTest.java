package io.heapfleet.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The stack with a customer managed KMS key, a deep-analysis limit beyond Fargate's default disk,
 * and both images built from this checkout as Docker assets (synthesized without Docker).
 */
class HeapfleetKmsAndAssetsTest {
  static HeapfleetStack stack;
  static Template template;

  @BeforeAll
  static void synthesize() {
    HeapfleetSettings settings =
        Synth.settings()
            .kms(true)
            .deepMaxDumpBytes(16L << 30)
            .collectorImage(null)
            .agentImage(null)
            .build();
    stack = Synth.stack(settings);
    template = Synth.template(stack);
  }

  @Test
  void bucketUsesSseKmsWithABucketKey() {
    template.hasResourceProperties(
        "AWS::S3::Bucket",
        Match.objectLike(
            Map.of(
                "BucketEncryption",
                Map.of(
                    "ServerSideEncryptionConfiguration",
                    List.of(
                        Map.of(
                            "BucketKeyEnabled",
                            true,
                            "ServerSideEncryptionByDefault",
                            Match.objectLike(Map.of("SSEAlgorithm", "aws:kms"))))))));
    template.allResourcesProperties(
        "AWS::SecretsManager::Secret", Match.objectLike(Map.of("KmsKeyId", Match.anyValue())));
  }

  @Test
  void keyPolicyNamesEveryActionAndTheTaskRoleUsesTheKeyOnlyThroughS3AndSecretsManager() {
    template.hasResourceProperties(
        "AWS::KMS::Key",
        Match.objectLike(
            Map.of(
                "EnableKeyRotation",
                true,
                "KeyPolicy",
                Map.of(
                    "Version",
                    "2012-10-17",
                    "Statement",
                    List.of(
                        Match.objectLike(
                            Map.of("Action", EncryptionKey.ACCOUNT_ACTIONS, "Resource", "*")))))));
    PolicyTemplates.hasPolicyStatements(
        template,
        Map.of(
            "Sid",
            "UseTheKeyThroughS3AndSecretsManager",
            "Action",
            List.of("kms:Decrypt", "kms:GenerateDataKey"),
            "Condition",
            Map.of("StringEquals", Map.of("kms:ViaService", Match.anyValue()))));
    assertThat(IamStatements.violations(template.toJSON())).isEmpty();
  }

  @Test
  void collectorIsToldToEncryptWithTheKey() {
    template.hasResourceProperties(
        "AWS::ECS::TaskDefinition",
        Match.objectLike(
            Map.of(
                "ContainerDefinitions",
                List.of(
                    Match.objectLike(
                        Map.of(
                            "Environment",
                            Match.arrayWith(
                                List.of(
                                    Map.of(
                                        "Name", "HEAPFLEET_COLLECTOR_S3_SSE", "Value", "aws:kms"),
                                    Match.objectLike(
                                        Map.of(
                                            "Name", "HEAPFLEET_COLLECTOR_S3_KMS_KEY_ID"))))))))));
  }

  @Test
  void ephemeralStorageIsTwiceTheDeepAnalysisLimit() {
    template.hasResourceProperties(
        "AWS::ECS::TaskDefinition",
        Match.objectLike(Map.of("EphemeralStorage", Map.of("SizeInGiB", 32))));
  }

  @Test
  void assetBuildContextsHoldTheBuiltArtifactsAndNoSources() throws java.io.IOException {
    java.nio.file.Path out =
        java.nio.file.Path.of(((software.amazon.awscdk.App) stack.getNode().getRoot()).getOutdir());
    List<String> files;
    try (var walk = java.nio.file.Files.walk(out)) {
      files =
          walk.filter(java.nio.file.Files::isRegularFile)
              .map(p -> out.relativize(p).toString())
              .filter(p -> p.startsWith("asset."))
              .toList();
    }
    // What the two Dockerfiles COPY must be in the staged contexts ...
    assertThat(files)
        .anyMatch(f -> f.endsWith("/src/main/docker/Dockerfile.jvm"))
        .anyMatch(f -> f.endsWith("/src/main/docker/ready.sh"))
        .anyMatch(f -> f.endsWith("/target/quarkus-app/quarkus-run.jar"))
        .anyMatch(f -> f.contains("/target/quarkus-app/lib/"))
        .anyMatch(f -> f.contains("/target/quarkus-app/app/"))
        .anyMatch(f -> f.contains("/target/quarkus-app/quarkus/"))
        .anyMatch(f -> f.matches("asset\\.[0-9a-f]+/Dockerfile"))
        .anyMatch(f -> f.endsWith("/target/heapfleet-agent.jar"));
    // ... and nothing else of the modules (sources, classes, other jars).
    assertThat(files)
        .noneMatch(f -> f.contains("/src/main/java/") || f.contains("/src/test/"))
        .noneMatch(f -> f.contains("/target/classes/"))
        .noneMatch(f -> f.matches("asset\\.[0-9a-f]+/target/heapfleet-agent-endpoint-.*\\.jar"));
  }

  @Test
  void imagesAreDockerAssetsBuiltFromTheModulesAtDeployTime() {
    // The collector image comes from the CDK assets repository, not a public registry.
    template.hasResourceProperties(
        "AWS::ECS::TaskDefinition",
        Match.objectLike(
            Map.of(
                "ContainerDefinitions",
                List.of(
                    Match.objectLike(
                        Map.of(
                            "Image",
                            Map.of(
                                "Fn::Sub",
                                Match.stringLikeRegexp(".*cdk-hnb659fds-container-assets.*"))))))));
    // The execution role pulls from that repository and may ask for the registry login.
    PolicyTemplates.hasPolicyStatements(
        template,
        Map.of(
            "Action", "ecr:GetAuthorizationToken",
            "Resource", "*"));
    template.hasOutput(
        "AgentImageUri",
        Match.objectLike(
            Map.of("Value", Map.of("Fn::Sub", Match.stringLikeRegexp(".*container-assets.*")))));
  }
}
