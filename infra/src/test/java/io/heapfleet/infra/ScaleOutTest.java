package io.heapfleet.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The stack with scale-out on (CDK context): the FIFO capture queue and its dead-letter queue, the
 * collector in queue role {@code both}, SQS permissions on that queue only, and auto scaling of the
 * collector service on the backlog per task between the settings' min and max.
 */
class ScaleOutTest {
  static Template template;
  static Map<String, Object> json;

  @BeforeAll
  static void synthesize() {
    App app =
        new App(
            AppProps.builder()
                .context(
                    Map.of(
                        "scaleOutWorkersMin", "2",
                        "scaleOutWorkersMax", "12",
                        "scaleOutPerService", "2",
                        "scaleOutBacklogPerWorker", "4",
                        "scaleOutMaxReceives", "3"))
                .build());
    HeapfleetStack stack =
        new HeapfleetStack(
            app,
            "heapfleet",
            StackProps.builder()
                .env(Environment.builder().account(Synth.ACCOUNT).region(Synth.REGION).build())
                .build(),
            Synth.settings().build(),
            Synth.projectRoot());
    template = Template.fromStack(stack);
    json = template.toJSON();
  }

  @Test
  void captureQueueIsFifoWithADeadLetterQueueAfterMaxReceives() {
    template.resourceCountIs("AWS::SQS::Queue", 2);
    template.hasResourceProperties(
        "AWS::SQS::Queue",
        Match.objectLike(
            Map.of(
                "QueueName",
                "heapfleet-captures.fifo",
                "FifoQueue",
                true,
                "DeduplicationScope",
                "messageGroup",
                "FifoThroughputLimit",
                "perMessageGroupId",
                "VisibilityTimeout",
                120,
                "SqsManagedSseEnabled",
                true,
                "RedrivePolicy",
                Match.objectLike(
                    Map.of(
                        "maxReceiveCount",
                        3,
                        "deadLetterTargetArn",
                        Map.of(
                            "Fn::GetAtt",
                            List.of(Match.stringLikeRegexp("ScaleOutDeadLetters.*"), "Arn")))))));
    template.hasResourceProperties(
        "AWS::SQS::Queue",
        Match.objectLike(Map.of("QueueName", "heapfleet-captures-dlq.fifo", "FifoQueue", true)));
  }

  @Test
  void collectorRunsInQueueRoleBothWithTheQueueUrlAndPerServiceLimit() {
    template.hasResourceProperties(
        "AWS::ECS::TaskDefinition",
        Match.objectLike(
            Map.of(
                "ContainerDefinitions",
                Match.arrayWith(
                    List.of(
                        Match.objectLike(
                            Map.of(
                                "Environment",
                                Match.arrayWith(
                                    List.of(
                                        HeapfleetStackTest.env(
                                            "HEAPFLEET_COLLECTOR_QUEUE_ROLE", "both"),
                                        Match.objectLike(
                                            Map.of(
                                                "Name",
                                                "HEAPFLEET_COLLECTOR_QUEUE_URL",
                                                "Value",
                                                Map.of(
                                                    "Ref",
                                                    Match.stringLikeRegexp("ScaleOutCaptures.*")))),
                                        HeapfleetStackTest.env(
                                            "HEAPFLEET_COLLECTOR_QUEUE_PER_SERVICE", "2"))))))))));
  }

  @Test
  void taskRoleMaySendReceiveAndSettleOnTheCaptureQueueOnly() {
    List<IamStatements.Statement> sqs =
        IamStatements.of(json).stream()
            .filter(st -> st.resourceType().equals("AWS::IAM::Policy"))
            .filter(st -> IamStatements.asList(st.body().get("Action")).toString().contains("sqs:"))
            .toList();
    assertThat(sqs).hasSize(1);
    Map<String, Object> body = sqs.get(0).body();
    assertThat(body.get("Effect")).isEqualTo("Allow");
    assertThat(IamStatements.asList(body.get("Action")))
        .containsExactlyInAnyOrder(
            "sqs:SendMessage",
            "sqs:ReceiveMessage",
            "sqs:ChangeMessageVisibility",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes");
    assertThat(IamStatements.asList(body.get("Resource")))
        .singleElement()
        .asString()
        .matches("\\{Fn::GetAtt=\\[ScaleOutCaptures\\w+, Arn\\]\\}");
    assertThat(IamStatements.violations(json)).isEmpty();
  }

  @Test
  void serviceScalesBetweenMinAndMaxOnBacklogPerTaskByMetricMath() {
    template.hasResourceProperties(
        "AWS::ApplicationAutoScaling::ScalableTarget",
        Match.objectLike(
            Map.of(
                "MinCapacity",
                2,
                "MaxCapacity",
                12,
                "ScalableDimension",
                "ecs:service:DesiredCount",
                "ServiceNamespace",
                "ecs")));
    template.resourceCountIs("AWS::ApplicationAutoScaling::ScalingPolicy", 2);
    template.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Match.objectLike(
            Map.of(
                "Threshold",
                4,
                "ComparisonOperator",
                "GreaterThanOrEqualToThreshold",
                "Metrics",
                Match.arrayWith(
                    List.of(
                        Match.objectLike(
                            Map.of(
                                "Expression",
                                "(visible + inflight) / IF(FILL(running, 0) > 0, FILL(running, 0),"
                                    + " 1)")),
                        Match.objectLike(
                            Map.of(
                                "Id",
                                "running",
                                "MetricStat",
                                Match.objectLike(
                                    Map.of(
                                        "Metric",
                                        Match.objectLike(
                                            Map.of(
                                                "Namespace", "ECS/ContainerInsights",
                                                "MetricName", "RunningTaskCount")))))))))));
  }

  @Test
  void scaleOutIsOffByDefaultAndChecksItsSettings() {
    Template plain = Synth.template(Synth.stack(Synth.settings().build()));
    plain.resourceCountIs("AWS::SQS::Queue", 0);
    plain.resourceCountIs("AWS::ApplicationAutoScaling::ScalableTarget", 0);
    assertThatThrownBy(() -> new ScaleOutSettings(3, 2, 1, 4, 3))
        .hasMessageContaining("scaleOutWorkersMax=[2]");
  }
}
