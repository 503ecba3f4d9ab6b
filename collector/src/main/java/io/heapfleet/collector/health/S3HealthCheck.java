package io.heapfleet.collector.health;

import io.heapfleet.collector.config.HealthConfig;
import io.heapfleet.storage.DumpStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only when the bucket is reachable with our credentials (one HEAD bucket). The bucket name
 * and error only with {@code heapfleet.collector.health.details=true}.
 */
@Readiness
@ApplicationScoped
public class S3HealthCheck implements HealthCheck {
  @Inject DumpStore store;
  @Inject HealthConfig health;

  @Override
  public HealthCheckResponse call() {
    try {
      store.checkBucket();
      return withDetails(HealthCheckResponse.named("s3").up(), null).build();
    } catch (RuntimeException e) {
      return withDetails(HealthCheckResponse.named("s3").down(), e).build();
    }
  }

  /** The bucket and error only with {@code heapfleet.collector.health.details=true}. */
  private HealthCheckResponseBuilder withDetails(HealthCheckResponseBuilder b, RuntimeException e) {
    if (!health.details()) {
      return b;
    }
    b.withData("bucket", store.settings().bucket());
    if (e != null) {
      b.withData("error", String.valueOf(e.getMessage()));
    }
    return b;
  }
}
