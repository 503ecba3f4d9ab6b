package io.heapfleet.infra;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.constructs.Construct;

/**
 * The CloudWatch side of the alert rules in {@code infra/alerts/heapfleet-rules.yml}: the same five
 * conditions (captures failing, wrong secret, no stored dump for 2 h, a task leaking, discovery
 * failing) on the fleet-level metrics the collector writes as CloudWatch embedded metric format
 * (EMF) lines to its log (namespace {@value #NAMESPACE}, no dimensions), plus the collector service
 * not running. Every alarm notifies one SNS topic.
 */
public final class CollectorAlarms extends Construct {
  /** The namespace the collector's EMF lines publish to. */
  public static final String NAMESPACE = "Heapfleet";

  private final Topic topic;

  public CollectorAlarms(
      Construct scope, String id, HeapfleetSettings settings, CollectorService collector) {
    super(scope, id);
    topic = Topic.Builder.create(this, "Topic").displayName("heapfleet alarms").build();
    settings.alarmEmail().ifPresent(e -> topic.addSubscription(new EmailSubscription(e)));
    SnsAction notify = new SnsAction(topic);

    Duration window = Duration.hours(2);
    Metric stored = sum("CapturesStored", window);
    Metric failed = sum("CapturesFailed", window);
    alarm(
        "CapturesFailing",
        "Captures fail and none was stored in 2 hours",
        MathExpression.Builder.create()
            .expression("IF(failed > 0 AND stored == 0, 1, 0)")
            .usingMetrics(java.util.Map.of("failed", (IMetric) failed, "stored", stored))
            .period(window)
            .label("failing")
            .build(),
        1,
        1,
        TreatMissingData.NOT_BREACHING,
        notify);
    alarm(
        "WrongSecret",
        "A task refused the collector's token (401): the agent's HEAPFLEET_SECRET or scope differs",
        sum("CapturesUnauthorized", Duration.hours(1)),
        1,
        1,
        TreatMissingData.NOT_BREACHING,
        notify);
    // No data at all means the collector is not publishing either: that is a breach too.
    alarm(
        "NoStoredDump",
        "No dump stored in 2 hours",
        stored,
        1,
        1,
        TreatMissingData.BREACHING,
        notify,
        ComparisonOperator.LESS_THAN_THRESHOLD);
    alarm(
        "TaskLeaking",
        "At least one live task has a leaking trend: GET /api/fleet on the collector for which",
        Metric.Builder.create()
            .namespace(NAMESPACE)
            .metricName("LeakingTasks")
            .statistic("Maximum")
            .period(Duration.minutes(15))
            .build(),
        1,
        4,
        TreatMissingData.NOT_BREACHING,
        notify);
    alarm(
        "DiscoveryFailing",
        "ECS discovery failed in three refreshes in a row (permissions, cluster name, throttling)",
        Metric.Builder.create()
            .namespace(NAMESPACE)
            .metricName("DiscoveryFailures")
            .statistic("Sum")
            .period(Duration.minutes(5))
            .build(),
        3,
        1,
        TreatMissingData.NOT_BREACHING,
        notify);
    alarm(
        "CollectorNotRunning",
        "The collector service has no running task",
        collector
            .service()
            .metricCpuUtilization(
                software.amazon.awscdk.services.cloudwatch.MetricOptions.builder()
                    .statistic("SampleCount")
                    .period(Duration.minutes(5))
                    .build()),
        1,
        3,
        TreatMissingData.BREACHING,
        notify,
        ComparisonOperator.LESS_THAN_THRESHOLD);
  }

  private static Metric sum(String name, Duration period) {
    return Metric.Builder.create()
        .namespace(NAMESPACE)
        .metricName(name)
        .statistic("Sum")
        .period(period)
        .build();
  }

  private void alarm(
      String id,
      String description,
      IMetric metric,
      double threshold,
      int periods,
      TreatMissingData missing,
      SnsAction notify) {
    alarm(
        id,
        description,
        metric,
        threshold,
        periods,
        missing,
        notify,
        ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD);
  }

  private void alarm(
      String id,
      String description,
      IMetric metric,
      double threshold,
      int periods,
      TreatMissingData missing,
      SnsAction notify,
      ComparisonOperator op) {
    Alarm a =
        Alarm.Builder.create(this, id)
            .alarmName("heapfleet-" + id)
            .alarmDescription(description)
            .metric(metric)
            .threshold(threshold)
            .evaluationPeriods(periods)
            .comparisonOperator(op)
            .treatMissingData(missing)
            .build();
    a.addAlarmAction(notify);
  }

  /** The topic every alarm notifies; subscribe to it. */
  public Topic topic() {
    return topic;
  }
}
