package io.heapfleet.collector.discovery;

import io.heapfleet.auth.TaskCredentials;
import io.heapfleet.endpoint.TaskIdentity;
import io.heapfleet.endpoint.client.HeapdumpClient;
import io.heapfleet.endpoint.client.ProvenTask;
import java.net.URI;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The collector's identity probe: the endpoint first proves, with the shared secret, which task it
 * is ({@code /heapdump/proof}, no credential sent; an id that breaks the task-id rule is refused
 * before anything else); only then is its identity read with that task's read-only token, on the
 * same connection, and checked by {@link IdentityRules}. An endpoint that cannot prove itself never
 * sees a credential. Thread-safe.
 */
public final class ProvingIdentityProbe implements IdentityProbe {

  private final HeapdumpClient client;
  private final Supplier<TaskCredentials> credentials;
  private final int identityAttempts;

  /**
   * @param identityAttempts requests allowed for the identity read after the proof (more than one
   *     only helps behind a balancer that re-routes a kept-alive connection)
   */
  public ProvingIdentityProbe(
      HeapdumpClient client, Supplier<TaskCredentials> credentials, int identityAttempts) {
    this.client = Objects.requireNonNull(client, "client");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    if (identityAttempts < 1) {
      throw new IllegalArgumentException("identityAttempts must be >= 1, was " + identityAttempts);
    }
    this.identityAttempts = identityAttempts;
  }

  @Override
  public Identity probe(URI base) throws Exception {
    TaskCredentials creds = credentials.get();
    ProvenTask proven = client.prove(base, creds, null);
    TaskIdentity id = client.identity(proven, creds, identityAttempts);
    return IdentityRules.check(id.taskId(), id.cluster(), id.service());
  }
}
