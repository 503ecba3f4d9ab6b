package io.heapfleet.collector.health;

import io.heapfleet.collector.config.DiscoveryConfig;
import io.heapfleet.collector.config.HealthConfig;
import io.heapfleet.collector.service.CollectorEngine;
import io.heapfleet.collector.service.CollectorEngine.DiscoveryStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while discovery works: the last refresh succeeded, or the last success is younger than
 * three refresh periods (one failed ECS call must not flap readiness). Details (source, task count,
 * last error) only with {@code heapfleet.collector.health.details=true}.
 */
@Readiness
@ApplicationScoped
public class DiscoveryHealthCheck implements HealthCheck {
  @Inject CollectorEngine engine;
  @Inject DiscoveryConfig config;
  @Inject Clock clock;
  @Inject HealthConfig health;

  @Override
  public HealthCheckResponse call() {
    DiscoveryStatus s = engine.discoveryStatus();
    boolean up =
        s.lastSuccess() != null
            && (s.lastError() == null
                || s.lastSuccess().plus(config.refresh().multipliedBy(3)).isAfter(clock.instant()));
    HealthCheckResponseBuilder b = HealthCheckResponse.named("discovery").status(up);
    if (!health.details()) {
      return b.build(); // the source names target URLs; the error may too
    }
    b.withData("source", s.source()).withData("liveTasks", s.liveTasks());
    if (s.lastSuccess() != null) {
      b.withData("lastSuccess", s.lastSuccess().toString());
    }
    if (s.lastError() != null) {
      b.withData("lastError", s.lastError());
    }
    return b.build();
  }
}
