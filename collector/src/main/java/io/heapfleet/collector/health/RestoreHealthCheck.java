package io.heapfleet.collector.health;

import io.heapfleet.collector.config.HealthConfig;
import io.heapfleet.collector.service.StateRestore;
import io.heapfleet.collector.service.StateRestore.Status;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Shows how far the background restore from S3 has come ({@code phase}: waiting, live, ended, done,
 * failed, with counts). Always UP: the collector serves and captures while it restores, and a
 * failed restore only means that ended tasks are missing from the view until they are opened. The
 * figures only with {@code heapfleet.collector.health.details=true}.
 */
@Readiness
@ApplicationScoped
public class RestoreHealthCheck implements HealthCheck {
  @Inject StateRestore restore;
  @Inject HealthConfig health;

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder b = HealthCheckResponse.named("restore").up();
    if (!health.details()) {
      return b.build();
    }
    Status s = restore.status();
    b.withData("phase", s.phase().name().toLowerCase(java.util.Locale.ROOT))
        .withData("liveTotal", s.liveTotal())
        .withData("liveRestored", s.liveRestored())
        .withData("markersSeen", s.markersSeen())
        .withData("endedRestored", s.endedRestored());
    if (s.startedAt() != null) {
      b.withData("startedAt", s.startedAt().toString());
    }
    if (s.liveDoneAt() != null) {
      b.withData("liveDoneAt", s.liveDoneAt().toString());
    }
    if (s.finishedAt() != null) {
      b.withData("finishedAt", s.finishedAt().toString());
    }
    if (s.error() != null) {
      b.withData("error", s.error());
    }
    return b.build();
  }
}
