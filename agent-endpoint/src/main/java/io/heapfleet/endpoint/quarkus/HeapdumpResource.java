package io.heapfleet.endpoint.quarkus;

import io.heapfleet.endpoint.EndpointPath;
import io.heapfleet.endpoint.EndpointRequest;
import io.heapfleet.endpoint.EndpointResponse;
import io.heapfleet.endpoint.EndpointSettings;
import io.heapfleet.endpoint.HeapdumpEndpoint;
import io.heapfleet.endpoint.TaskIdentity;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The Quarkus front door: {@code GET /heapdump}, {@code /heapdump/identity}, {@code
 * /heapdump/stats} and {@code /heapdump/proof} on the application's own port (so it is reachable
 * through the service's load balancer). A Quarkus application only adds this module as a
 * dependency; the jar's {@code beans.xml} gets it indexed.
 *
 * <p>Settings are the javaagent's (without port/bind): environment variables {@code
 * HEAPFLEET_SECRET}/{@code HEAPFLEET_SECRET_FILE}, {@code HEAPFLEET_TASK_ID}, {@code
 * HEAPFLEET_SCOPE}, ... or the same names as Quarkus config properties ({@code heapfleet.secret},
 * {@code heapfleet.secret-file}, {@code heapfleet.task-id}, ...), read once on first use. The
 * method is blocking (it returns a {@link Response}), so RESTEasy Reactive runs it on a worker
 * thread and the dump streams from its temp file through {@link StreamingOutput}. Thread-safe.
 */
@Path("/heapdump")
public class HeapdumpResource {

  private static final String[] SETTINGS = {
    "HEAPFLEET_SECRET",
    "HEAPFLEET_SECRET_FILE",
    "HEAPFLEET_SECRET_PREVIOUS",
    "HEAPFLEET_SECRET_PREVIOUS_FILE",
    "HEAPFLEET_ALLOW_WEAK_SECRET",
    "HEAPFLEET_SCOPE",
    "HEAPFLEET_TASK_ID",
    "HEAPFLEET_MIN_INTERVAL",
    "HEAPFLEET_KEEPALIVE",
    "HEAPFLEET_TEMP_DIR",
    "HEAPFLEET_DISK_RESERVE",
    "HEAPFLEET_FORMAT",
    "HEAPFLEET_ECS_TIMEOUT",
    "HEAPFLEET_HOURLY_TOKEN",
    TaskIdentity.ECS_METADATA_ENV
  };

  private static volatile HeapdumpEndpoint endpoint;

  @GET
  public Response dump(
      @Context HttpHeaders headers, @Context UriInfo uri, @Context HttpServerRequest request) {
    return handle(EndpointPath.DUMP, headers, uri, request);
  }

  @GET
  @Path("/identity")
  public Response identity(
      @Context HttpHeaders headers, @Context UriInfo uri, @Context HttpServerRequest request) {
    return handle(EndpointPath.IDENTITY, headers, uri, request);
  }

  @GET
  @Path("/stats")
  public Response stats(
      @Context HttpHeaders headers, @Context UriInfo uri, @Context HttpServerRequest request) {
    return handle(EndpointPath.STATS, headers, uri, request);
  }

  @GET
  @Path("/proof")
  public Response proof(
      @Context HttpHeaders headers, @Context UriInfo uri, @Context HttpServerRequest request) {
    return handle(EndpointPath.PROOF, headers, uri, request);
  }

  private Response handle(
      EndpointPath route, HttpHeaders headers, UriInfo uri, HttpServerRequest request) {
    HeapdumpEndpoint e;
    try {
      e = endpoint();
    } catch (RuntimeException misconfigured) {
      // No secret or a bad setting: say what is wrong (never the secret), as JSON, not a trace.
      java.util.logging.Logger.getLogger(HeapdumpResource.class.getName())
          .severe("heapfleet: /heapdump is not configured: " + misconfigured.getMessage());
      return Response.status(503)
          .type("application/json")
          .entity(
              "{\"error\":\"unavailable\",\"message\":"
                  + io.heapfleet.endpoint.Json.quote(
                      "the heapdump endpoint is not configured: " + misconfigured.getMessage())
                  + "}")
          .build();
    }
    EndpointResponse r = e.handle(new JaxRsRequest(route, headers, uri, request));
    Response.ResponseBuilder b = Response.status(r.status());
    r.headers().forEach(b::header);
    if (r.contentLength() >= 0) {
      b.header("Content-Length", r.contentLength());
    }
    StreamingOutput body = r::writeBody;
    return b.entity(body).build();
  }

  /** The protocol for this application, configured on first use. */
  static HeapdumpEndpoint endpoint() {
    HeapdumpEndpoint e = endpoint;
    if (e == null) {
      synchronized (HeapdumpResource.class) {
        e = endpoint;
        if (e == null) {
          Map<String, String> env = settingsView();
          EndpointSettings settings = EndpointSettings.fromEnvironment(env);
          e = HeapdumpEndpoint.builder(settings, TaskIdentity.resolve(settings, env)).build();
          endpoint = e;
        }
      }
    }
    return e;
  }

  /** Environment variables, with Quarkus/MicroProfile config properties filling the gaps. */
  private static Map<String, String> settingsView() {
    Map<String, String> env = new HashMap<>(System.getenv());
    Config config;
    try {
      config = ConfigProvider.getConfig();
    } catch (RuntimeException | LinkageError e) {
      return env;
    }
    for (String name : SETTINGS) {
      if (env.containsKey(name) || !name.startsWith("HEAPFLEET_")) {
        continue;
      }
      String property = name.toLowerCase(Locale.ROOT).replaceFirst("_", ".").replace('_', '-');
      Optional<String> v = config.getOptionalValue(property, String.class);
      v.ifPresent(value -> env.put(name, value));
    }
    return env;
  }

  /** Adapts the JAX-RS request view to the protocol's. */
  private static final class JaxRsRequest implements EndpointRequest {
    private final EndpointPath route;
    private final HttpHeaders headers;
    private final UriInfo uri;
    private final HttpServerRequest request;

    JaxRsRequest(EndpointPath route, HttpHeaders headers, UriInfo uri, HttpServerRequest request) {
      this.route = route;
      this.headers = headers;
      this.uri = uri;
      this.request = request;
    }

    @Override
    public String method() {
      // JAX-RS also routes HEAD to a @GET method: the exact method decides (HEAD gets 405).
      return request == null ? "GET" : request.method().name();
    }

    @Override
    public String path() {
      // JAX-RS matched the route (below the application's root path): that is the exact path.
      return route.path();
    }

    @Override
    public String header(String name) {
      return headers.getHeaderString(name);
    }

    @Override
    public String queryParameter(String name) {
      return uri.getQueryParameters().getFirst(name);
    }

    @Override
    public String rawQuery() {
      return uri.getRequestUri().getRawQuery();
    }

    @Override
    public String remoteAddress() {
      SocketAddress a = request == null ? null : request.remoteAddress();
      return a == null ? "?" : a.hostAddress();
    }
  }
}
