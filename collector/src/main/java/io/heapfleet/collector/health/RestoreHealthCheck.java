package io.heapfleet.collector.health;

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
 * failed restore only means that ended tasks are missing from the view until they are opened.
 */
@Readiness
@ApplicationScoped
public class RestoreHealthCheck implements HealthCheck {
  @Inject StateRestore restore;

  @Override
  public HealthCheckResponse call() {
    Status s = restore.status();
    HealthCheckResponseBuilder b =
        HealthCheckResponse.named("restore")
            .up()
            .withData("phase", s.phase().name().toLowerCase(java.util.Locale.ROOT))
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
