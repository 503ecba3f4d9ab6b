package io.heapfleet.collector.dashboard;

import io.heapfleet.collector.api.ApiTokenFilter;
import io.heapfleet.collector.config.ApiConfig;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Guards {@code /dashboard}: open when {@code heapfleet.collector.dashboard.open=true} or the API
 * itself is open; otherwise each request needs the API's bearer token ({@code Authorization: Bearer
 * <token>}, for scripts) or the sign-in cookie a browser gets from {@code /dashboard/login} ({@link
 * DashboardSession}); both compared in constant time, never logged. Refused browsers get the
 * sign-in form with the 401. See {@link DashboardConfig} for why. Thread-safe.
 */
public class DashboardAccessFilter {
  /** The sign-in form ({@link DashboardLoginResource}), reachable without the token. */
  static final String LOGIN = "/dashboard/login";

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
    if (path.equals(LOGIN)) {
      return Optional.empty(); // the sign-in form checks the token itself
    }
    Optional<String> token = api.token();
    if (token.isPresent()) {
      String header = ctx.getHeaderString(HttpHeaders.AUTHORIZATION);
      if (header != null
          && header.regionMatches(true, 0, "Bearer ", 0, 7)
          && ApiTokenFilter.sameToken(header.substring(7).trim(), token.get())) {
        return Optional.empty();
      }
      Cookie session = ctx.getCookies().get(DashboardSession.COOKIE);
      if (session != null
          && DashboardSession.valid(session.getValue(), token.get(), Instant.now())) {
        return Optional.empty();
      }
    }
    Response.ResponseBuilder refused =
        Response.status(401).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"heapfleet\"");
    if (wantsHtml(ctx)) {
      // A browser: the sign-in form right here, so the person can type the token once.
      return Optional.of(
          refused.type(MediaType.TEXT_HTML).entity(DashboardLoginResource.loginPage(null)).build());
    }
    return Optional.of(
        refused
            .type(MediaType.TEXT_PLAIN)
            .entity(
                "The dashboard needs the API token (Authorization: Bearer ..., or sign in at "
                    + LOGIN
                    + "), or heapfleet.collector.dashboard.open=true for local use.\n")
            .build());
  }

  private static boolean wantsHtml(ContainerRequestContext ctx) {
    String accept = ctx.getHeaderString(HttpHeaders.ACCEPT);
    return "GET".equals(ctx.getMethod()) && accept != null && accept.contains("text/html");
  }
}
