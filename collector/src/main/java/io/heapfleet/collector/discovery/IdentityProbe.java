package io.heapfleet.collector.discovery;

import java.net.URI;
import java.util.Optional;

/**
 * Asks an endpoint who it is ({@code GET /heapdump/identity}, authenticated), on a fresh connection
 * so that a load balancer may route each probe to a different task.
 */
@FunctionalInterface
public interface IdentityProbe {

  /** What a task says about itself; cluster and service may be unknown outside ECS. */
  record Identity(String taskId, Optional<String> cluster, Optional<String> service) {}

  /**
   * Probes {@code base}.
   *
   * @throws Exception when the endpoint cannot be reached or refuses (the caller decides)
   */
  Identity probe(URI base) throws Exception;
}
