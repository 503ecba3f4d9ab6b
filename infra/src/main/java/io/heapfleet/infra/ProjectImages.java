package io.heapfleet.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awscdk.services.ecr.assets.DockerImageAsset;
import software.amazon.awscdk.services.ecr.assets.Platform;
import software.amazon.awscdk.services.ecs.AssetImageProps;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.constructs.Construct;

/**
 * The two images heapfleet ships, built from this checkout as CDK Docker assets: CDK only
 * fingerprints and stages the build context when synthesizing (no Docker needed); {@code cdk
 * deploy} builds and pushes them. Each module's {@code .dockerignore} keeps the context to the
 * Dockerfile and the built artifacts. An image URI from settings replaces the build.
 */
public final class ProjectImages {
  private ProjectImages() {}

  /** The collector: Quarkus fast-jar on a JRE, non-root ({@code collector/src/main/docker}). */
  public static ContainerImage collector(Path projectRoot) {
    Path dir = projectRoot.resolve("collector");
    requireBuilt(dir.resolve("target/quarkus-app/quarkus-run.jar"), "collector");
    return ContainerImage.fromAsset(
        dir.toString(),
        AssetImageProps.builder()
            .file("src/main/docker/Dockerfile.jvm")
            .platform(Platform.LINUX_AMD64)
            .build());
  }

  /** The init-container image holding {@code heapfleet-agent.jar} ({@code agent-endpoint/}). */
  public static DockerImageAsset agent(Construct scope, String id, Path projectRoot) {
    Path dir = projectRoot.resolve("agent-endpoint");
    requireBuilt(dir.resolve("target/heapfleet-agent.jar"), "agent-endpoint");
    return DockerImageAsset.Builder.create(scope, id)
        .directory(dir.toString())
        .platform(Platform.LINUX_AMD64)
        .build();
  }

  private static void requireBuilt(Path artifact, String module) {
    if (!Files.isRegularFile(artifact)) {
      throw new IllegalStateException(
          artifact
              + " is missing: build it first (mvn -B -q -pl "
              + module
              + " -am -DskipTests package from the project root)");
    }
  }

  /**
   * The heapfleet checkout: the nearest directory at or above {@code start} holding both {@code
   * collector/} and {@code agent-endpoint/} ({@code cdk} runs the app from {@code infra/}).
   */
  public static Path projectRoot(Path start) {
    for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("collector"))
          && Files.isDirectory(p.resolve("agent-endpoint"))) {
        return p;
      }
    }
    throw new IllegalStateException(
        "no heapfleet checkout (collector/ and agent-endpoint/) at or above " + start);
  }
}
