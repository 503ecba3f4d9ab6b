package io.heapfleet.collector.service;

import io.heapfleet.collector.config.ApiConfig;
import io.heapfleet.collector.config.ScheduleConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Starts the collector: checks the API security setting, rebuilds the state from S3, and drives
 * {@link CollectorEngine#tick()} every {@code heapfleet.collector.schedule.tick}.
 */
@ApplicationScoped
public class CollectorLifecycle {
  private static final Logger LOG = Logger.getLogger(CollectorLifecycle.class);

  @Inject CollectorEngine engine;
  @Inject ApiConfig api;
  @Inject ScheduleConfig schedule;

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
    try {
      engine.restore();
    } catch (RuntimeException e) {
      // S3 unreachable at start: run anyway (health says DOWN); the series resume from S3 later.
      LOG.errorf("could not rebuild the state from S3: %s", e.getMessage());
    }
    LOG.infof(
        "collector started: discovery %s, interval %s%s, parallelism %d, %d per service",
        engine.discoveryStatus().source(),
        schedule.interval(),
        schedule.enabled() ? "" : " (scheduled captures off; on-demand only)",
        schedule.parallelism(),
        schedule.perService());
    started = true;
    engine.tick();
  }

  @Scheduled(
      every = "${heapfleet.collector.schedule.tick:5s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void tick() {
    if (started) {
      engine.tick();
    }
  }
}
