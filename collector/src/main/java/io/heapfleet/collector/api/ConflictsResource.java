package io.heapfleet.collector.api;

import io.heapfleet.collector.discovery.IdentityRefusals;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/**
 * Endpoints discovery refuses to trust, as of the latest refresh: task ids proven by more than one
 * URL (none of them is captured) and endpoints that did not prove their identity (they were sent no
 * credential). Thread-safe (stateless).
 */
@Path("/api/conflicts")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "apiToken")
public class ConflictsResource {
  @Inject IdentityRefusals refusals;

  /**
   * The refusals.
   *
   * @param duplicateClaims task ids proven by several URLs, with those URLs and since when
   * @param untrusted endpoints refused before any credential was sent, with the reason
   */
  public record Conflicts(
      List<IdentityRefusals.DuplicateClaim> duplicateClaims,
      List<IdentityRefusals.Untrusted> untrusted) {}

  @GET
  @Operation(summary = "Duplicate task-id claims and endpoints that failed their identity proof")
  public Conflicts conflicts() {
    return new Conflicts(refusals.duplicateClaims(), refusals.untrustedEndpoints());
  }
}
