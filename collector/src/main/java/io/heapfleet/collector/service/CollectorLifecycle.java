package io.heapfleet.collector.service;

import io.heapfleet.collector.config.ApiConfig;
import io.heapfleet.collector.config.RetentionConfig;
import io.heapfleet.collector.config.ScheduleConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Starts the collector: checks the API security setting, runs the first discovery, serves at once
 * while {@link StateRestore} rebuilds the state from S3 in the background (live tasks first),
 * drives {@link CollectorEngine#tick()} every {@code heapfleet.collector.schedule.tick}, and
 * applies retention every {@code heapfleet.collector.retention.interval} on the scheduler's worker
 * thread (never on a capture thread).
 */
@ApplicationScoped
public class CollectorLifecycle {
  private static final Logger LOG = Logger.getLogger(CollectorLifecycle.class);

  @Inject CollectorEngine engine;
  @Inject StateRestore restore;
  @Inject RetentionRun retention;
  @Inject RetentionConfig retentionConfig;
  @Inject ApiConfig api;
  @Inject ScheduleConfig schedule;
  @Inject MeterRegistry registry;

  private volatile boolean started;

  void onStart(@Observes StartupEvent event) {
    if (api.authEnabled() && api.token().filter(t -> !t.isBlank()).isEmpty()) {
      throw new IllegalStateException(
          "the collector API needs a token: set heapfleet.collector.api.token"
              + " (HEAPFLEET_COLLECTOR_API_TOKEN), or heapfleet.collector.api.auth-enabled=false"
              + " for local use only");
    }
    if (!api.authEnabled()) {
      LOG.warn("the collector API is open to anyone (heapfleet.collector.api.auth-enabled=false)");
    }
    LOG.infof(
        "collector started: discovery %s, interval %s%s, parallelism %d, %d per service",
        engine.discoveryStatus().source(),
        schedule.interval(),
        schedule.enabled() ? "" : " (scheduled captures off; on-demand only)",
        schedule.parallelism(),
        schedule.perService());
    started = true;
    engine.tick(); // the first discovery: the live tasks are restored first
    Thread restorer =
        new Thread(() -> restore.run(engine.state().liveTaskIds()), "heapfleet-restore");
    restorer.setDaemon(true);
    restorer.start();
  }

  @Scheduled(
      every = "${heapfleet.collector.schedule.tick:5s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void tick() {
    if (started) {
      engine.tick();
    }
  }

  @Scheduled(
      every = "${heapfleet.collector.retention.interval:1h}",
      delayed = "${heapfleet.collector.retention.initial-delay:5m}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void applyRetention() {
    if (!started || !retentionConfig.enabled()) {
      return;
    }
    try {
      RetentionRun.Result r = retention.runOnce();
      registry.counter("heapfleet.retention.deleted.dumps").increment(r.deletedDumps());
      registry.counter("heapfleet.retention.deleted.bytes").increment(r.deletedBytes());
    } catch (RuntimeException e) {
      LOG.warnf("retention could not list the bucket, retried next run: %s", e.getMessage());
    }
  }
}
