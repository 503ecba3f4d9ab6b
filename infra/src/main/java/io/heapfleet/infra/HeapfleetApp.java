package io.heapfleet.infra;

import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

/**
 * The CDK app {@code cdk} runs (see {@code infra/cdk.json}): one {@link HeapfleetStack} named by
 * the context value {@code stackName} (default {@code heapfleet}) in the account and region of the
 * CLI's credentials, configured by CDK context (see {@link HeapfleetSettings}).
 */
public final class HeapfleetApp {
  private HeapfleetApp() {}

  public static void main(String[] args) {
    App app = new App();
    Object name = app.getNode().tryGetContext("stackName");
    HeapfleetSettings settings = HeapfleetSettings.fromContext(app.getNode());
    new HeapfleetStack(
        app,
        name == null ? "heapfleet" : name.toString(),
        StackProps.builder()
            .env(
                Environment.builder()
                    .account(System.getenv("CDK_DEFAULT_ACCOUNT"))
                    .region(System.getenv("CDK_DEFAULT_REGION"))
                    .build())
            .description("heapfleet: heap dumps from every ECS task, stored in S3 by task id")
            .build(),
        settings,
        ProjectImages.projectRoot(Path.of("")));
    app.synth();
  }
}
