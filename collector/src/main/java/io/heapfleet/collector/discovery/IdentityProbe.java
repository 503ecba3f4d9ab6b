package io.heapfleet.collector.discovery;

import java.net.URI;
import java.util.Optional;

/**
 * Asks an endpoint who it is, on a fresh connection so that a load balancer may route each probe to
 * a different task. The collector's probe is {@link ProvingIdentityProbe}: proof first, then the
 * identity with that task's read-only token.
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
