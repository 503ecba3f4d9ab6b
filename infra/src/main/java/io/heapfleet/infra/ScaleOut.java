package io.heapfleet.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.applicationautoscaling.AdjustmentType;
import software.amazon.awscdk.services.applicationautoscaling.BasicStepScalingPolicyProps;
import software.amazon.awscdk.services.applicationautoscaling.EnableScalingProps;
import software.amazon.awscdk.services.applicationautoscaling.ScalingInterval;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.ecs.ScalableTaskCount;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.DeduplicationScope;
import software.amazon.awscdk.services.sqs.FifoThroughputLimit;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * Many collector tasks share the fleet: an SQS FIFO queue of due captures with a dead-letter queue,
 * the collector service in queue role {@code both} (each task plans and captures; planning twice is
 * deduplicated by task and due slot), the task role's SQS permissions on that queue only, and
 * Application Auto Scaling of the service's task count on the backlog per task (metric math: queued
 * plus in-flight captures divided by the running tasks).
 */
public final class ScaleOut extends Construct {
  /** The capture queue's visibility timeout; the collector extends it while a capture runs. */
  static final Duration VISIBILITY = Duration.minutes(2);

  private final Queue queue;
  private final Queue deadLetters;

  public ScaleOut(
      Construct scope,
      String id,
      HeapfleetSettings settings,
      ScaleOutSettings scale,
      CollectorService collector) {
    super(scope, id);
    deadLetters =
        Queue.Builder.create(this, "DeadLetters")
            .queueName("heapfleet-captures-dlq.fifo")
            .fifo(true)
            .retentionPeriod(Duration.days(14))
            .encryption(QueueEncryption.SQS_MANAGED)
            .enforceSsl(true)
            .build();
    queue =
        Queue.Builder.create(this, "Captures")
            .queueName("heapfleet-captures.fifo")
            .fifo(true)
            // High-throughput FIFO: deduplication and throughput per message group (service).
            .deduplicationScope(DeduplicationScope.MESSAGE_GROUP)
            .fifoThroughputLimit(FifoThroughputLimit.PER_MESSAGE_GROUP_ID)
            .visibilityTimeout(VISIBILITY)
            // A capture not taken within hours is stale: the planner queues a fresh one.
            .retentionPeriod(Duration.hours(4))
            .encryption(QueueEncryption.SQS_MANAGED)
            .enforceSsl(true)
            .deadLetterQueue(
                DeadLetterQueue.builder()
                    .queue(deadLetters)
                    .maxReceiveCount(scale.maxReceives())
                    .build())
            .build();

    collector.container().addEnvironment("HEAPFLEET_COLLECTOR_QUEUE_ROLE", "both");
    collector.container().addEnvironment("HEAPFLEET_COLLECTOR_QUEUE_URL", queue.getQueueUrl());
    collector.container().addEnvironment("HEAPFLEET_COLLECTOR_QUEUE_REGION", Aws.REGION);
    collector
        .container()
        .addEnvironment(
            "HEAPFLEET_COLLECTOR_QUEUE_PER_SERVICE", Integer.toString(scale.perService()));
    collector
        .container()
        .addEnvironment(
            "HEAPFLEET_COLLECTOR_QUEUE_VISIBILITY", VISIBILITY.toSeconds().intValue() + "s");

    collector
        .taskRole()
        .addToPolicy(
            PolicyStatement.Builder.create()
                .sid("CaptureQueue")
                .effect(Effect.ALLOW)
                .actions(
                    List.of(
                        "sqs:SendMessage",
                        "sqs:ReceiveMessage",
                        "sqs:ChangeMessageVisibility",
                        "sqs:DeleteMessage",
                        "sqs:GetQueueAttributes"))
                .resources(List.of(queue.getQueueArn()))
                .build());

    ScalableTaskCount count =
        collector
            .service()
            .autoScaleTaskCount(
                EnableScalingProps.builder()
                    .minCapacity(scale.workersMin())
                    .maxCapacity(scale.workersMax())
                    .build());
    count.scaleOnMetric(
        "BacklogPerTask",
        BasicStepScalingPolicyProps.builder()
            .metric(backlogPerTask(collector))
            .adjustmentType(AdjustmentType.CHANGE_IN_CAPACITY)
            .scalingSteps(
                List.of(
                    ScalingInterval.builder().upper(1).change(-1).build(),
                    ScalingInterval.builder().lower(scale.backlogPerWorker()).change(1).build(),
                    ScalingInterval.builder()
                        .lower(scale.backlogPerWorker() * 3)
                        .change(3)
                        .build()))
            .cooldown(Duration.minutes(5))
            .evaluationPeriods(3)
            .build());
  }

  /**
   * (visible + in-flight messages) ÷ running tasks. The running count is Container Insights' {@code
   * RunningTaskCount} of the service (Container Insights must be on for the cluster); with none
   * reported, one task is assumed so the backlog alone can scale up from the minimum.
   */
  private MathExpression backlogPerTask(CollectorService collector) {
    Metric visible =
        queue.metricApproximateNumberOfMessagesVisible(
            software.amazon.awscdk.services.cloudwatch.MetricOptions.builder()
                .period(Duration.minutes(1))
                .statistic("Maximum")
                .build());
    Metric inFlight =
        queue.metricApproximateNumberOfMessagesNotVisible(
            software.amazon.awscdk.services.cloudwatch.MetricOptions.builder()
                .period(Duration.minutes(1))
                .statistic("Maximum")
                .build());
    Metric running =
        Metric.Builder.create()
            .namespace("ECS/ContainerInsights")
            .metricName("RunningTaskCount")
            .dimensionsMap(
                Map.of(
                    "ClusterName",
                    collector.service().getCluster().getClusterName(),
                    "ServiceName",
                    collector.service().getServiceName()))
            .period(Duration.minutes(1))
            .statistic("Average")
            .build();
    return MathExpression.Builder.create()
        .expression("(visible + inflight) / IF(FILL(running, 0) > 0, FILL(running, 0), 1)")
        .usingMetrics(Map.of("visible", visible, "inflight", inFlight, "running", running))
        .label("capture backlog per collector task")
        .period(Duration.minutes(1))
        .build();
  }

  public Queue queue() {
    return queue;
  }

  public Queue deadLetters() {
    return deadLetters;
  }
}
