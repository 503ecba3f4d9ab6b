package io.heapfleet.collector.api;

import io.heapfleet.collector.config.ApiConfig;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Requires {@code Authorization: Bearer <heapfleet.collector.api.token>} on every {@code /api}
 * request unless {@code heapfleet.collector.api.auth-enabled=false}. {@code /q/health}, {@code
 * /q/metrics} and {@code /q/openapi} are served on the management port, not here. The comparison is
 * constant-time over SHA-256 digests; the token is never logged. Thread-safe.
 */
public class ApiTokenFilter {
  // Looked up per request: the filter bean may be created before runtime config exists.
  @Inject Instance<ApiConfig> configs;

  @ServerRequestFilter(preMatching = true)
  public Response check(ContainerRequestContext request) {
    ApiConfig config = configs.get();
    String path = request.getUriInfo().getPath();
    if (!config.authEnabled() || !(path.equals("/api") || path.startsWith("/api/"))) {
      return null;
    }
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    String expected = config.token().orElse("");
    if (header != null
        && header.regionMatches(true, 0, "Bearer ", 0, 7)
        && !expected.isEmpty()
        && sameToken(header.substring(7).trim(), expected)) {
      return null;
    }
    return Response.status(Response.Status.UNAUTHORIZED)
        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"heapfleet-collector\"")
        .type(MediaType.APPLICATION_JSON)
        .entity(
            Map.of(
                "error",
                "unauthorized",
                "message",
                "the API needs Authorization: Bearer <heapfleet.collector.api.token>"))
        .build();
  }

  /**
   * Whether {@code presented} is the configured {@code token}: constant time over SHA-256 digests
   * (so neither content nor length leaks through timing); false for a missing or empty token. Also
   * used by the dashboard's access filter and sign-in form.
   */
  public static boolean sameToken(String presented, String token) {
    if (presented == null || token == null || token.isEmpty()) {
      return false;
    }
    try {
      MessageDigest a = MessageDigest.getInstance("SHA-256");
      MessageDigest b = MessageDigest.getInstance("SHA-256");
      return MessageDigest.isEqual(
          a.digest(presented.getBytes(StandardCharsets.UTF_8)),
          b.digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
