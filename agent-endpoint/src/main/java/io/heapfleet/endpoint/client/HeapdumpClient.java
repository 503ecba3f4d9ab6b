package io.heapfleet.endpoint.client;

import io.heapfleet.auth.TaskCredentials;
import io.heapfleet.endpoint.HeapfleetHeaders;
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
import java.time.Instant;
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
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Client of the {@code /heapdump} protocol, used by {@code heapfleet fetch} and the collector.
 *
 * <p>A base URI is a task or a load balancer ({@code http://10.0.1.23:9091}, {@code
 * https://orders.example.com/app}); {@code /heapdump} is appended unless the path already ends with
 * it. Credentials go in the {@code Authorization} header, never in the URL: the hourly token for
 * people who hold the secret ({@link #open(URI, String, DumpRequest)}), or, for a caller that must
 * not hand a fleet-wide token to an endpoint it has not verified (the collector), the proof and a
 * task-bound credential ({@link #prove}, {@link #open(URI, TaskCredentials, DumpRequest)}).
 *
 * <p>Pinning: with {@link DumpRequest#withTargetTask}, every attempt is sent on a <em>new</em>
 * connection (a fresh {@link HttpClient}), so a load balancer can route it to another task; a 421
 * from the wrong task is retried up to {@link DumpRequest#maxAttempts()} times.
 *
 * <p>Load balancers that route each request on its own (an ALB) keep a client on one target only
 * through their stickiness cookie ({@code AWSALB}, {@code AWSALBAPP}, or the application's). Every
 * attempt has its own cookie jar: the cookies set with the response of the wanted task go with
 * every following request of that capture (proof, then capture or identity), and are kept for the
 * next capture of that task through the same base URI. Without such cookies a capture after a proof
 * can land on another task; the first time that happens per base URI it is logged once ({@link
 * #perRequestRoutingSeen}). Thread-safe.
 */
public final class HeapdumpClient {

  private static final Pattern FILENAME = Pattern.compile("filename=\"?([^\";]+)\"?");
  private static final int MAX_ERROR_BODY = 64 * 1024;
  // The endpoint keeps a nonce 120 s; stop retrying a capture credential well before that.
  private static final Duration CREDENTIAL_USE_WINDOW = Duration.ofSeconds(90);

  private static final java.util.logging.Logger LOG =
      java.util.logging.Logger.getLogger(HeapdumpClient.class.getName());
  private static final int MAX_REMEMBERED_JARS = 1024;

  private final Duration connectTimeout;
  // Stickiness cookies per (base URI, task), least recently used dropped first.
  private final Map<String, java.net.CookieManager> jars =
      new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, java.net.CookieManager> eldest) {
          return size() > MAX_REMEMBERED_JARS;
        }
      };
  private final Set<String> perRequestRouting = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private HeapdumpClient(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  /**
   * Whether a capture through {@code base} was seen to land on another task than its proof with no
   * stickiness cookie to prevent it: the balancer routes each request on its own (an ALB without
   * stickiness), so pinning there lands with probability about 1/N per attempt over N tasks.
   */
  public boolean perRequestRoutingSeen(URI base) {
    return perRequestRouting.contains(heapdumpUri(base).toString());
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
    for (String sub : new String[] {"/identity", "/stats"}) {
      if (noQuery.endsWith("/heapdump" + sub)) {
        return URI.create(noQuery.substring(0, noQuery.length() - sub.length()));
      }
    }
    return URI.create(noQuery + "/heapdump");
  }

  /** Asks the task (or whichever task the load balancer picks) who it is. */
  public TaskIdentity identity(URI base, String token) throws IOException {
    return readWithToken(base, "identity", token, HeapdumpClient::parseIdentity);
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
      request.targetTask().ifPresent(t -> b.header(HeapfleetHeaders.TARGET_TASK, t));
      // A new client per attempt: a new connection, so the load balancer may pick another task.
      HttpResponse<InputStream> r = send(newHttpClient(), b.build());
      int status = r.statusCode();
      if (status == 200) {
        return response(r, attempt);
      }
      if (status == 421 && request.targetTask().isPresent()) {
        r.headers().firstValue(HeapfleetHeaders.TASK).ifPresent(seen::add);
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
            r.headers().firstValue(HeapfleetHeaders.TASK).orElse(null),
            attempt);
      }
      throw failure(r, attempt);
    }
  }

  /**
   * Asks the endpoint at {@code base} to prove who it is ({@code GET /heapdump/proof} with a fresh
   * challenge and no credential), on a new connection. Checks, in this order: the claimed task id
   * follows the task-id rule (a 300-character or CR/LF id goes no further); the challenge is
   * echoed; the HMAC matches; the id is {@code expectedTaskId} when one is given (which is also
   * sent as {@code X-Heapdump-Target-Task}, so another task answers 421).
   *
   * @throws ProofException when the endpoint did not prove it (it was sent no credential)
   * @throws HeapdumpClientException when it refused (e.g. 421 for another task)
   */
  public ProvenTask prove(URI base, TaskCredentials credentials, String expectedTaskId)
      throws IOException {
    return prove(newHttpClient(), heapdumpUri(base), credentials, expectedTaskId, 1);
  }

  /**
   * Reads the identity of a proven task with its read-only task token ({@code HeapFleet-Task}),
   * pinned to that task, on the connection of the proof. When a balancer routes it elsewhere (421)
   * it is retried on new connections, at most {@code maxAttempts} requests in all.
   */
  public TaskIdentity identity(ProvenTask proven, TaskCredentials credentials, int maxAttempts)
      throws IOException {
    return readProven(
        proven, "identity", maxAttempts, HeapdumpClient::parseIdentity, TaskIdentity::taskId);
  }

  /**
   * Reads a task's heap figures ({@code GET /heapdump/stats}) with the hourly token; pauses nothing
   * on the task.
   *
   * @throws HeapdumpClientException when the endpoint refuses (401, 404 where it has no stats...)
   * @throws IOException when it cannot be reached or its answer is not a stats document
   */
  public TaskStats stats(URI base, String token) throws IOException {
    return stats(base, token, false);
  }

  /**
   * The same, with {@code fullGc} after a full collection on the task ({@code ?gc=full}: one per 10
   * s, 429 otherwise); the document then has a {@code gc} member.
   */
  public TaskStats stats(URI base, String token, boolean fullGc) throws IOException {
    return readWithToken(base, statsRoute(fullGc), token, HeapdumpClient::parseStats);
  }

  private static String statsRoute(boolean fullGc) {
    return fullGc ? "stats?gc=full" : "stats";
  }

  /**
   * Reads {@code /heapdump/<route>} of whichever task answers, with {@code token}; 200 or throws.
   */
  private <T> T readWithToken(URI base, String route, String token, DocumentParser<T> parser)
      throws IOException {
    URI uri = URI.create(heapdumpUri(base) + "/" + route);
    HttpResponse<InputStream> r =
        send(newHttpClient(), request(uri, token, Duration.ofSeconds(30)).build());
    if (r.statusCode() != 200) {
      throw failure(r, 1);
    }
    return parser.parse(uri, r);
  }

  /**
   * Reads a proven task's heap figures with its read-only task token, pinned to it, on the
   * connection of the proof (retried on new connections after a 421, at most {@code maxAttempts}
   * requests). The hourly token is never sent.
   */
  public TaskStats stats(ProvenTask proven, int maxAttempts) throws IOException {
    return stats(proven, maxAttempts, false);
  }

  /** The same, with {@code fullGc} after a full collection on the task ({@code ?gc=full}). */
  public TaskStats stats(ProvenTask proven, int maxAttempts, boolean fullGc) throws IOException {
    return readProven(
        proven, statsRoute(fullGc), maxAttempts, HeapdumpClient::parseStats, TaskStats::taskId);
  }

  /** Reads one document of a task from its answer; the answer is not trusted yet. */
  private interface DocumentParser<T> {
    T parse(URI uri, HttpResponse<InputStream> response) throws IOException;
  }

  /**
   * Reads {@code /heapdump/<route>} of a proven task with its task token, and refuses a document
   * that names another task than the one that proved itself.
   */
  private <T> T readProven(
      ProvenTask proven,
      String route,
      int maxAttempts,
      DocumentParser<T> parser,
      Function<T, String> taskIdOf)
      throws IOException {
    URI uri = URI.create(proven.heapdumpUri() + "/" + route);
    T document = parser.parse(uri, getWithTaskToken(proven, uri, maxAttempts));
    if (!taskIdOf.apply(document).equals(proven.taskId())) {
      throw new ProofException(
          ProofException.Reason.WRONG_TASK,
          uri + " proved one task id and named another in its " + route,
          1);
    }
    return document;
  }

  /** A read-only GET with the proven task's {@code HeapFleet-Task} token; 200 or an exception. */
  private HttpResponse<InputStream> getWithTaskToken(ProvenTask proven, URI uri, int maxAttempts)
      throws IOException {
    // Made with the secret the task proved with (credentials' current or previous one).
    String token = proven.credentials().taskToken(proven.taskId(), Instant.now());
    HttpClient http = proven.connection();
    for (int attempt = 1; ; attempt++) {
      HttpRequest r =
          HttpRequest.newBuilder(uri)
              .GET()
              .timeout(Duration.ofSeconds(30))
              .header(HeapfleetHeaders.AUTHORIZATION, HeapfleetHeaders.SCHEME_TASK + " " + token)
              .header(HeapfleetHeaders.TARGET_TASK, proven.taskId())
              .build();
      HttpResponse<InputStream> response = send(http, r);
      if (response.statusCode() == 421 && attempt < maxAttempts) {
        drain(response.body());
        http = newHttpClient();
        continue;
      }
      if (response.statusCode() != 200) {
        throw failure(response, attempt);
      }
      return response;
    }
  }

  private static TaskStats parseStats(URI uri, HttpResponse<InputStream> r) throws IOException {
    try (InputStream in = r.body()) {
      String json = new String(readBounded(in), StandardCharsets.UTF_8);
      try {
        return TaskStats.parse(json);
      } catch (IllegalArgumentException e) {
        throw new IOException("the stats answer of " + uri + " is not valid: " + e.getMessage());
      }
    }
  }

  /**
   * Requests a dump with the proof (docs/proof.md) instead of the hourly token: the endpoint proves
   * it is {@link DumpRequest#targetTask()} (required), then gets a single-use capture credential
   * bound to that task, on the same keep-alive connection. Through a balancer, a proof from another
   * task (421) is retried on a new connection; a capture that the balancer routed to another task
   * (421: it did not keep the connection on one target) is retried with the same credential on new
   * connections while its nonce is fresh. At most {@link DumpRequest#maxAttempts()} proofs.
   *
   * @throws ProofException when an endpoint does not prove it is the task (no credential was sent)
   * @throws HeapdumpClientException when the endpoint refuses (401, 421 after all attempts, 429...)
   * @throws IOException when the endpoint cannot be reached
   */
  public DumpResponse open(URI base, TaskCredentials credentials, DumpRequest request)
      throws IOException {
    String task =
        request
            .targetTask()
            .orElseThrow(
                () -> new IllegalArgumentException("a proven capture needs the task to expect"));
    URI heapdump = heapdumpUri(base);
    Set<String> seen = new LinkedHashSet<>();
    int requests = 0;
    String jarKey = heapdump + " " + task;
    for (int proofs = 1; ; proofs++) {
      java.net.CookieManager remembered;
      synchronized (jars) {
        remembered = jars.get(jarKey);
      }
      java.net.CookieManager jar = remembered != null ? remembered : new java.net.CookieManager();
      HttpClient http = newHttpClient(jar);
      ProvenTask proven;
      try {
        proven = prove(http, heapdump, credentials, task, ++requests);
      } catch (HeapdumpClientException e) {
        if (e.status() != 421) {
          throw e;
        }
        if (remembered != null) {
          // The cookie no longer leads to the task (it moved, or the balancer forgot it).
          synchronized (jars) {
            jars.remove(jarKey, remembered);
          }
        }
        e.taskId().ifPresent(seen::add);
        if (proofs < request.maxAttempts()) {
          continue;
        }
        throw notLanded(task, base, proofs, requests, seen, e.taskId().orElse(null));
      }
      String auth =
          HeapfleetHeaders.SCHEME_CAPTURE
              + " "
              + proven.nonce()
              + "."
              + proven.credentials().capture(task, proven.nonce());
      URI uri = dumpUri(heapdump, request);
      Instant useBy = proven.provenAt().plus(CREDENTIAL_USE_WINDOW);
      for (int captures = 1; ; captures++) {
        HttpRequest r =
            HttpRequest.newBuilder(uri)
                .GET()
                .timeout(request.timeout())
                .header(HeapfleetHeaders.AUTHORIZATION, auth)
                .header(HeapfleetHeaders.TARGET_TASK, task)
                .build();
        HttpResponse<InputStream> response = send(http, r);
        requests++;
        if (response.statusCode() == 200) {
          rememberCookies(jarKey, jar);
          return response(response, requests);
        }
        if (response.statusCode() != 421) {
          throw failure(response, requests);
        }
        if (jar.getCookieStore().getCookies().isEmpty()
            && perRequestRouting.add(heapdump.toString())) {
          LOG.warning(
              "heapfleet: "
                  + base
                  + " routed a capture to another task than its proof and set no stickiness"
                  + " cookie: it routes each request on its own (an ALB without stickiness)."
                  + " Pinned captures land with probability about 1/N per attempt over N tasks;"
                  + " turn stickiness on for the target group, or use ECS discovery.");
        }
        response.headers().firstValue(HeapfleetHeaders.TASK).ifPresent(seen::add);
        drain(response.body());
        if (captures >= request.maxAttempts() || Instant.now().isAfter(useBy)) {
          throw notLanded(task, base, proofs, requests, seen, null);
        }
        http = newHttpClient();
      }
    }
  }

  private ProvenTask prove(
      HttpClient http, URI heapdump, TaskCredentials credentials, String expected, int attempt)
      throws IOException {
    String challenge = TaskCredentials.randomHex();
    URI uri = URI.create(heapdump + "/proof");
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .GET()
            .timeout(Duration.ofSeconds(30))
            .header(HeapfleetHeaders.CHALLENGE, challenge);
    if (expected != null) {
      b.header(HeapfleetHeaders.TARGET_TASK, expected);
    }
    HttpResponse<InputStream> r = send(http, b.build());
    if (r.statusCode() != 200) {
      throw failure(r, attempt);
    }
    Map<String, Object> json;
    try (InputStream in = r.body()) {
      json = Json.parseObject(new String(readBounded(in), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new ProofException(
          ProofException.Reason.MALFORMED,
          uri + " answered something that is not a proof",
          attempt);
    }
    Object id = json.get("taskId");
    if (!(id instanceof String) || !TaskCredentials.isValidTaskId((String) id)) {
      int length = id == null ? 0 : id.toString().length();
      throw new ProofException(
          ProofException.Reason.INVALID_TASK_ID,
          uri
              + " claims a task id that breaks the rule [A-Za-z0-9._-]{1,128} ("
              + length
              + " characters); refused before anything else",
          attempt);
    }
    String taskId = (String) id;
    Object nonce = json.get("nonce");
    Object proof = json.get("proof");
    if (!challenge.equals(json.get("challenge"))
        || !(nonce instanceof String)
        || !TaskCredentials.isValidNonce((String) nonce)
        || !(proof instanceof String)) {
      throw new ProofException(
          ProofException.Reason.MALFORMED,
          uri + " answered a proof without our challenge or a well-formed nonce",
          attempt);
    }
    Optional<TaskCredentials> provenWith =
        credentials.proofMatchedBy((String) proof, challenge, (String) nonce, taskId);
    if (provenWith.isEmpty()) {
      throw new ProofException(
          ProofException.Reason.BAD_PROOF,
          uri + " claims task " + taskId + " but cannot prove it (wrong secret, or not a task)",
          attempt);
    }
    if (expected != null && !expected.equals(taskId)) {
      throw new ProofException(
          ProofException.Reason.WRONG_TASK,
          uri + " proved task " + taskId + ", not the expected " + expected,
          attempt);
    }
    return new ProvenTask(
        heapdump, taskId, (String) nonce, http, Instant.now(), attempt, provenWith.get());
  }

  private static HeapdumpClientException notLanded(
      String task, URI base, int attempts, int requests, Set<String> seen, String last) {
    return new HeapdumpClientException(
        421,
        "misdirected",
        "task "
            + task
            + " did not answer in "
            + attempts
            + " attempts ("
            + requests
            + " requests) through "
            + base
            + "; tasks that answered: "
            + (seen.isEmpty() ? "none" : String.join(", ", seen)),
        null,
        last,
        requests);
  }

  private static TaskIdentity parseIdentity(URI uri, HttpResponse<InputStream> r)
      throws IOException {
    try (InputStream in = r.body()) {
      String json = new String(readBounded(in), StandardCharsets.UTF_8);
      try {
        return TaskIdentity.fromJson(json);
      } catch (IllegalArgumentException e) {
        throw new IOException("the identity answer of " + uri + " is not valid: " + e.getMessage());
      }
    }
  }

  private void rememberCookies(String jarKey, java.net.CookieManager jar) {
    if (!jar.getCookieStore().getCookies().isEmpty()) {
      synchronized (jars) {
        jars.put(jarKey, jar);
      }
    }
  }

  private HttpClient newHttpClient() {
    return newHttpClient(new java.net.CookieManager());
  }

  /** A new connection (HTTP/1.1) whose cookies (a balancer's stickiness) live in {@code jar}. */
  private HttpClient newHttpClient(java.net.CookieManager jar) {
    return HttpClient.newBuilder()
        .cookieHandler(jar)
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  private static HttpRequest.Builder request(URI uri, String token, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET().timeout(timeout);
    if (token != null) {
      b.header(HeapfleetHeaders.AUTHORIZATION, HeapfleetHeaders.SCHEME_HOURLY + " " + token);
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
    Optional<String> task = r.headers().firstValue(HeapfleetHeaders.TASK);
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
              + HeapfleetHeaders.TASK
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
    Optional<String> ra = r.headers().firstValue(HeapfleetHeaders.RETRY_AFTER);
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
        r.headers().firstValue(HeapfleetHeaders.TASK).orElse(null),
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
