package io.heapfleet.collector.queue;

import io.heapfleet.collector.config.CapturePolicyConfig;
import io.heapfleet.collector.config.DiscoveryConfig;
import io.heapfleet.collector.config.QueueConfig;
import io.heapfleet.collector.config.ScheduleConfig;
import io.heapfleet.collector.config.StatsConfig;
import io.heapfleet.collector.discovery.Discovery;
import io.heapfleet.collector.discovery.LogSafe;
import io.heapfleet.collector.metrics.CollectorMetrics;
import io.heapfleet.collector.service.CapturePolicies;
import io.heapfleet.collector.service.CollectorEngine;
import io.heapfleet.storage.DumpStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import org.jboss.logging.Logger;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/**
 * Runs the queue roles of a collector ({@code heapfleet.collector.queue.role}): the planner every
 * {@code plan-every}, the worker's consuming loops, and the worker's catch-up from S3 every {@code
 * state-refresh}. The planner dumps on the configured capture policy ({@code
 * heapfleet.collector.capture.policy}), judged from this process's stats series and the dumps the
 * workers stored. Does nothing when the role is {@code off}.
 */
@ApplicationScoped
public class QueueRoles {
  private static final Logger LOG = Logger.getLogger(QueueRoles.class);

  @Inject QueueConfig config;
  @Inject ScheduleConfig schedule;
  @Inject CapturePolicyConfig policy;
  @Inject StatsConfig stats;
  @Inject DiscoveryConfig discoveryConfig;
  @Inject Discovery discovery;
  @Inject CollectorEngine engine;
  @Inject DumpStore store;
  @Inject CollectorMetrics metrics;
  @Inject Clock clock;

  private volatile QueuePlanner planner;
  private volatile QueueWorker worker;
  private volatile FleetIndex index;

  /** Whether {@code role} names a queue role (planner, worker or both). */
  public static boolean queued(String role) {
    return switch (role) {
      case "off" -> false;
      case "planner", "worker", "both" -> true;
      default ->
          throw new IllegalArgumentException(
              "heapfleet.collector.queue.role must be off, planner, worker or both, got '"
                  + LogSafe.text(role)
                  + "'");
    };
  }

  void onStart(@Observes StartupEvent event) {
    String role = config.role();
    if (!queued(role)) {
      return;
    }
    String url =
        config
            .url()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "heapfleet.collector.queue.url is required when the queue role is "
                            + role));
    SqsClientBuilder b = SqsClient.builder().httpClient(UrlConnectionHttpClient.create());
    config.endpointOverride().ifPresent(b::endpointOverride);
    config.region().map(Region::of).ifPresent(b::region);
    CaptureQueue queue = new CaptureQueue(b.build(), url, config.perService());
    index = new FleetIndex(store);
    if (!role.equals("worker")) {
      planner =
          new QueuePlanner(
              discovery,
              DueCaptures.of(
                  CapturePolicies.scheduler(
                      policy,
                      schedule,
                      stats,
                      DueCaptures.unlimited(
                          schedule.interval(),
                          schedule.jitter(),
                          schedule.backoffInitial(),
                          schedule.backoffMax()),
                      CollectorEngine.histories(engine.state(), engine.stats().orElse(null)),
                      engine.stats().orElse(null),
                      clock)),
              queue,
              index,
              CapturePolicies.slot(policy, schedule),
              discoveryConfig.refresh(),
              clock);
    }
    if (!role.equals("planner")) {
      worker =
          new QueueWorker(
              queue,
              engine.capture(),
              engine.analysis(),
              engine.state(),
              store,
              metrics,
              new QueueWorker.Settings(
                  config.concurrency(),
                  config.visibility(),
                  config.pollWait(),
                  config.retryDelay()),
              clock);
      worker.start();
    }
    LOG.infof(
        "queue role %s on %s (capture policy %s): %d per service at once%s",
        role,
        url,
        policy.policy(),
        config.perService(),
        worker == null ? "" : ", " + config.concurrency() + " captures in this worker");
  }

  @Scheduled(
      every = "${heapfleet.collector.queue.plan-every:15s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void plan() {
    QueuePlanner p = planner;
    if (p != null && schedule.enabled()) {
      p.planRound();
    }
  }

  @Scheduled(
      every = "${heapfleet.collector.queue.state-refresh:1m}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void refreshState() {
    FleetIndex i = index;
    if (i == null) {
      return;
    }
    try {
      i.refresh(engine.state(), engine.analysis());
    } catch (RuntimeException e) {
      LOG.warnf("the fleet could not be read from S3, retried: %s", LogSafe.text(e.getMessage()));
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    QueueWorker w = worker;
    if (w != null) {
      w.stop(Duration.ofSeconds(20));
    }
  }
}
