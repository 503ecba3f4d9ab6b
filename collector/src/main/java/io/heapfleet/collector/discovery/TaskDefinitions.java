package io.heapfleet.collector.discovery;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * {@code DescribeTaskDefinition} results by ARN. A task definition revision is immutable (a change
 * registers a new revision with a new ARN), so an entry never goes stale; the cache is bounded by
 * dropping everything when it grows past {@value #MAX_ENTRIES} revisions. Thread-safe.
 */
final class TaskDefinitions {
  static final int MAX_ENTRIES = 1000;

  private final EcsClient ecs;
  private final Map<String, TaskDefinition> byArn = new ConcurrentHashMap<>();
  private final AtomicInteger calls = new AtomicInteger();

  TaskDefinitions(EcsClient ecs) {
    this.ecs = ecs;
  }

  /** The task definition at {@code arn}; throws the SDK's exception when it cannot be read. */
  TaskDefinition get(String arn) {
    TaskDefinition known = byArn.get(arn);
    if (known != null) {
      return known;
    }
    calls.incrementAndGet();
    TaskDefinition td = ecs.describeTaskDefinition(b -> b.taskDefinition(arn)).taskDefinition();
    if (byArn.size() >= MAX_ENTRIES) {
      byArn.clear();
    }
    byArn.put(arn, td);
    return td;
  }

  /** {@code DescribeTaskDefinition} calls made so far. */
  int calls() {
    return calls.get();
  }
}
