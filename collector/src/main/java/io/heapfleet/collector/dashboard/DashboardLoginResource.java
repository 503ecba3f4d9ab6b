package io.heapfleet.collector.dashboard;

import io.heapfleet.collector.api.ApiTokenFilter;
import io.heapfleet.collector.config.ApiConfig;
import jakarta.inject.Inject;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.time.Instant;

/**
 * Sign-in for a token-protected dashboard: {@code GET /dashboard/login} shows a form for the API
 * token, {@code POST /dashboard/login} checks it (constant time), sets the {@link DashboardSession}
 * cookie (a browser-session cookie whose value also expires after {@link
 * DashboardSession#LIFETIME}) and redirects to the fleet page. The token travels in a POST body,
 * never in a URL (which ends up in histories and logs). {@link DashboardAccessFilter} lets this
 * path through. Thread-safe.
 */
@Path("/dashboard/login")
public class DashboardLoginResource {
  @Inject ApiConfig api;

  @GET
  @jakarta.ws.rs.Produces(MediaType.TEXT_HTML)
  public String form() {
    return loginPage(null);
  }

  @POST
  @jakarta.ws.rs.Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  @jakarta.ws.rs.Produces(MediaType.TEXT_HTML)
  public Response login(
      @FormParam("token") String token, @Context HttpHeaders headers, @Context UriInfo uri) {
    String expected = api.token().orElse("");
    if (!ApiTokenFilter.sameToken(token, expected)) {
      return Response.status(Response.Status.UNAUTHORIZED)
          .type(MediaType.TEXT_HTML)
          .entity(loginPage("That is not the collector's API token."))
          .build();
    }
    return Response.seeOther(URI.create("/dashboard"))
        .header(
            HttpHeaders.SET_COOKIE,
            cookie(DashboardSession.mint(expected, Instant.now()), secure(headers, uri)))
        .build();
  }

  /** Only for the dashboard's paths, not readable by scripts, never sent cross-site. */
  private static String cookie(String value, boolean secure) {
    return DashboardSession.COOKIE
        + "="
        + value
        + "; Path=/dashboard; HttpOnly; SameSite=Strict"
        + (secure ? "; Secure" : "");
  }

  /** HTTPS directly, or behind a proxy that terminates it. */
  private static boolean secure(HttpHeaders headers, UriInfo uri) {
    return "https".equalsIgnoreCase(uri.getRequestUri().getScheme())
        || "https".equalsIgnoreCase(headers.getHeaderString("X-Forwarded-Proto"));
  }

  /** The login page; {@code message} (fixed text, no user input) above the form when given. */
  static String loginPage(String message) {
    return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<title>heapfleet · sign in</title>"
        + "<link rel=\"stylesheet\" href=\"/dashboard-assets/dashboard.css\"></head>\n<body>"
        + "<main><h1>heapfleet dashboard</h1>"
        + "<p>The dashboard shows what the fleet's heaps hold and links to the dumps, so it needs"
        + " the collector's API token (<code>heapfleet.collector.api.token</code>). Scripts can"
        + " send <code>Authorization: Bearer &lt;token&gt;</code> instead.</p>"
        + (message == null ? "" : "<p class=\"error\" id=\"login-error\">" + message + "</p>")
        + "<form method=\"post\" action=\"/dashboard/login\">"
        + "<label>API token <input type=\"password\" name=\"token\" autocomplete=\"off\""
        + " required autofocus></label> <button type=\"submit\">Sign in</button></form>"
        + "</main></body></html>\n";
  }
}
