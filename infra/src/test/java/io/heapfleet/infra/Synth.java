package io.heapfleet.infra;

import java.nio.file.Path;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;

/** Synthesizes a {@link HeapfleetStack} for the tests (no AWS account, no Docker). */
final class Synth {
  static final String ACCOUNT = "123456789012";
  static final String REGION = "eu-west-1";

  private Synth() {}

  /** Settings of a VPC given by its subnets (no lookup), images from a registry. */
  static HeapfleetSettings.Builder settings() {
    return HeapfleetSettings.builder()
        .cluster("prod")
        .services(List.of("checkout", "catalog"))
        .vpcId("vpc-0abc")
        .subnetIds(List.of("subnet-0a", "subnet-0b"))
        .availabilityZones(List.of("eu-west-1a", "eu-west-1b"))
        .routeTableIds(List.of("rtb-0a", "rtb-0b"))
        .vpcCidr("10.0.0.0/16")
        .collectorImage("public.ecr.aws/example/heapfleet-collector:test")
        .agentImage("public.ecr.aws/example/heapfleet-agent:test");
  }

  static HeapfleetStack stack(HeapfleetSettings settings) {
    App app = new App(AppProps.builder().outdir(tempOut()).build());
    return new HeapfleetStack(
        app,
        "heapfleet",
        StackProps.builder()
            .env(Environment.builder().account(ACCOUNT).region(REGION).build())
            .build(),
        settings,
        projectRoot());
  }

  static Template template(HeapfleetStack stack) {
    return Template.fromStack(stack);
  }

  static Path projectRoot() {
    return ProjectImages.projectRoot(Path.of(""));
  }

  private static String tempOut() {
    try {
      Path dir = java.nio.file.Files.createTempDirectory("heapfleet-cdk-out");
      dir.toFile().deleteOnExit();
      return dir.toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
