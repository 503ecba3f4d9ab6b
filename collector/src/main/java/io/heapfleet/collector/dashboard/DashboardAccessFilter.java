package io.heapfleet.collector.dashboard;

import io.heapfleet.collector.config.ApiConfig;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Guards {@code /dashboard}: open when {@code heapfleet.collector.dashboard.open=true} or the API
 * itself is open; otherwise the API's bearer token is required (compared in constant time, never
 * logged). See {@link DashboardConfig} for why. Thread-safe.
 */
public class DashboardAccessFilter {

  // Looked up per request: the filter is created before config mappings are available.
  @Inject Instance<DashboardConfig> configs;
  @Inject Instance<ApiConfig> apis;

  @ServerRequestFilter(preMatching = true)
  public Optional<Response> check(ContainerRequestContext ctx) {
    String path = ctx.getUriInfo().getPath();
    if (!path.equals("/dashboard") && !path.startsWith("/dashboard/")) {
      return Optional.empty();
    }
    DashboardConfig config = configs.get();
    ApiConfig api = apis.get();
    if (!config.enabled()) {
      return Optional.of(
          Response.status(404).type(MediaType.TEXT_PLAIN).entity("dashboard disabled").build());
    }
    if (config.open() || !api.authEnabled()) {
      return Optional.empty();
    }
    String header = ctx.getHeaderString(HttpHeaders.AUTHORIZATION);
    Optional<String> token = api.token();
    if (token.isPresent() && header != null && header.startsWith("Bearer ")) {
      byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
      if (MessageDigest.isEqual(given, token.get().getBytes(StandardCharsets.UTF_8))) {
        return Optional.empty();
      }
    }
    return Optional.of(
        Response.status(401)
            .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"heapfleet\"")
            .type(MediaType.TEXT_PLAIN)
            .entity(
                "The dashboard needs the API token (Authorization: Bearer ...), or"
                    + " heapfleet.collector.dashboard.open=true for local use.\n")
            .build());
  }
}
