package io.heapfleet.collector.health;

import io.heapfleet.storage.DumpStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when the bucket is reachable with our credentials (one HEAD bucket). */
@Readiness
@ApplicationScoped
public class S3HealthCheck implements HealthCheck {
  @Inject DumpStore store;

  @Override
  public HealthCheckResponse call() {
    try {
      store.checkBucket();
      return HealthCheckResponse.named("s3")
          .up()
          .withData("bucket", store.settings().bucket())
          .build();
    } catch (RuntimeException e) {
      return HealthCheckResponse.named("s3")
          .down()
          .withData("bucket", store.settings().bucket())
          .withData("error", String.valueOf(e.getMessage()))
          .build();
    }
  }
}
