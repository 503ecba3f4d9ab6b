package io.heapfleet.endpoint.client;

import io.heapfleet.endpoint.HeapdumpEndpoint;
import io.heapfleet.endpoint.Json;
import io.heapfleet.endpoint.TaskIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Client of the {@code /heapdump} protocol, used by {@code heapfleet fetch} and the collector.
 *
 * <p>A base URI is a task or a load balancer ({@code http://10.0.1.23:9091}, {@code
 * https://orders.example.com/app}); {@code /heapdump} is appended unless the path already ends with
 * it. The token goes in the {@code Authorization} header, never in the URL.
 *
 * <p>Pinning: with {@link DumpRequest#withTargetTask}, every attempt is sent on a <em>new</em>
 * connection (a fresh {@link HttpClient}), so a load balancer can route it to another task; a 421
 * from the wrong task is retried up to {@link DumpRequest#maxAttempts()} times. Stateless and
 * thread-safe.
 */
public final class HeapdumpClient {

  private static final Pattern FILENAME = Pattern.compile("filename=\"?([^\";]+)\"?");
  private static final int MAX_ERROR_BODY = 64 * 1024;

  private final Duration connectTimeout;

  private HeapdumpClient(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  /** A client with a 10 s connect timeout. */
  public static HeapdumpClient create() {
    return new HeapdumpClient(Duration.ofSeconds(10));
  }

  /** A client with the given connect timeout. */
  public static HeapdumpClient create(Duration connectTimeout) {
    return new HeapdumpClient(connectTimeout);
  }

  /** The {@code /heapdump} URI for a base URI (see the class comment). */
  public static URI heapdumpUri(URI base) {
    if (base.getScheme() == null || base.getHost() == null) {
      throw new IllegalArgumentException("'" + base + "' is not an http(s) URL with a host");
    }
    String s = base.toString();
    int q = s.indexOf('?');
    String noQuery = q < 0 ? s : s.substring(0, q);
    noQuery = noQuery.replaceAll("/+$", "");
    if (noQuery.endsWith("/heapdump")) {
      return URI.create(noQuery);
    }
    if (noQuery.endsWith("/heapdump/identity")) {
      return URI.create(noQuery.substring(0, noQuery.length() - "/identity".length()));
    }
    return URI.create(noQuery + "/heapdump");
  }

  /** Asks the task (or whichever task the load balancer picks) who it is. */
  public TaskIdentity identity(URI base, String token) throws IOException {
    URI uri = URI.create(heapdumpUri(base) + "/identity");
    HttpResponse<InputStream> r =
        send(newHttpClient(), request(uri, token, Duration.ofSeconds(30)).build());
    if (r.statusCode() != 200) {
      throw failure(r, 1);
    }
    try (InputStream in = r.body()) {
      String json = new String(readBounded(in), StandardCharsets.UTF_8);
      try {
        return TaskIdentity.fromJson(json);
      } catch (IllegalArgumentException e) {
        throw new IOException("the identity answer of " + uri + " is not valid: " + e.getMessage());
      }
    }
  }

  /**
   * Requests a dump; returns once the endpoint has taken it and started sending it.
   *
   * @throws HeapdumpClientException when the endpoint refuses (401, 421 after all attempts, 429,
   *     507, 503, 500, ...)
   * @throws IOException when the endpoint cannot be reached
   */
  public DumpResponse open(URI base, String token, DumpRequest request) throws IOException {
    URI uri = dumpUri(heapdumpUri(base), request);
    Set<String> seen = new LinkedHashSet<>();
    for (int attempt = 1; ; attempt++) {
      HttpRequest.Builder b = request(uri, token, request.timeout());
      request.targetTask().ifPresent(t -> b.header(HeapdumpEndpoint.TARGET_TASK_HEADER, t));
      // A new client per attempt: a new connection, so the load balancer may pick another task.
      HttpResponse<InputStream> r = send(newHttpClient(), b.build());
      int status = r.statusCode();
      if (status == 200) {
        return response(r, attempt);
      }
      if (status == 421 && request.targetTask().isPresent()) {
        r.headers().firstValue(HeapdumpEndpoint.TASK_HEADER).ifPresent(seen::add);
        drain(r.body());
        if (attempt < request.maxAttempts()) {
          continue;
        }
        throw new HeapdumpClientException(
            421,
            "misdirected",
            "task "
                + request.targetTask().get()
                + " did not answer in "
                + attempt
                + " attempts through "
                + base
                + "; tasks that answered: "
                + (seen.isEmpty() ? "none" : String.join(", ", seen)),
            null,
            r.headers().firstValue(HeapdumpEndpoint.TASK_HEADER).orElse(null),
            attempt);
      }
      throw failure(r, attempt);
    }
  }

  private HttpClient newHttpClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  private static HttpRequest.Builder request(URI uri, String token, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET().timeout(timeout);
    if (token != null) {
      b.header("Authorization", "HeapDump " + token);
    }
    return b;
  }

  private static URI dumpUri(URI heapdump, DumpRequest request) {
    StringBuilder q = new StringBuilder("live=").append(request.live());
    request.format().ifPresent(f -> q.append("&format=").append(f.id()));
    return URI.create(heapdump + "?" + q);
  }

  private static HttpResponse<InputStream> send(HttpClient client, HttpRequest request)
      throws IOException {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while requesting " + request.uri());
    } catch (java.net.http.HttpTimeoutException e) {
      throw new IOException(
          "no answer from "
              + request.uri()
              + " within "
              + request.timeout().map(Duration::toString).orElse("the timeout"),
          e);
    } catch (java.net.ConnectException e) {
      throw new IOException("cannot connect to " + request.uri() + ": " + e, e);
    }
  }

  private static DumpResponse response(HttpResponse<InputStream> r, int attempts)
      throws IOException {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    r.headers()
        .map()
        .forEach(
            (k, v) ->
                headers.put(
                    k.toLowerCase(Locale.ROOT), Collections.unmodifiableList(new ArrayList<>(v))));
    Optional<String> task = r.headers().firstValue(HeapdumpEndpoint.TASK_HEADER);
    Optional<String> disposition = r.headers().firstValue("Content-Disposition");
    String fileName = null;
    if (disposition.isPresent()) {
      Matcher m = FILENAME.matcher(disposition.get());
      if (m.find()) {
        // Only a plain name: never let a server choose a path on the caller's disk.
        fileName = m.group(1).replaceAll("[^A-Za-z0-9._-]", "_");
      }
    }
    if (task.isEmpty() || fileName == null || fileName.startsWith(".")) {
      drain(r.body());
      throw new IOException(
          r.uri()
              + " answered 200 without "
              + HeapdumpEndpoint.TASK_HEADER
              + " and a file name: is it a heapfleet endpoint?");
    }
    OptionalLong length = r.headers().firstValueAsLong("Content-Length");
    return new DumpResponse(
        task.get(), fileName, length, Collections.unmodifiableMap(headers), attempts, r.body());
  }

  private static HeapdumpClientException failure(HttpResponse<InputStream> r, int attempts)
      throws IOException {
    String error = "http_" + r.statusCode();
    String message = r.uri() + " answered HTTP " + r.statusCode();
    byte[] body;
    try (InputStream in = r.body()) {
      body = readBounded(in);
    }
    try {
      Map<String, Object> json = Json.parseObject(new String(body, StandardCharsets.UTF_8));
      if (json.get("error") != null) {
        error = json.get("error").toString();
      }
      if (json.get("message") != null) {
        message = message + ": " + json.get("message");
      }
    } catch (IllegalArgumentException e) {
      // Not JSON (a load balancer's error page): the status says enough.
    }
    Duration retryAfter = null;
    Optional<String> ra = r.headers().firstValue("Retry-After");
    if (ra.isPresent()) {
      try {
        retryAfter = Duration.ofSeconds(Long.parseLong(ra.get().trim()));
      } catch (NumberFormatException e) {
        retryAfter = null;
      }
    }
    return new HeapdumpClientException(
        r.statusCode(),
        error,
        message,
        retryAfter,
        r.headers().firstValue(HeapdumpEndpoint.TASK_HEADER).orElse(null),
        attempts);
  }

  private static byte[] readBounded(InputStream in) throws IOException {
    byte[] all = in.readNBytes(MAX_ERROR_BODY);
    return all;
  }

  private static void drain(InputStream in) {
    try (in) {
      in.readNBytes(MAX_ERROR_BODY);
    } catch (IOException e) {
      // Only freeing the connection.
    }
  }
}
