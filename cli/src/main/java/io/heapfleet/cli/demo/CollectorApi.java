package io.heapfleet.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heapfleet.analysis.json.AnalysisJson;
import io.heapfleet.analysis.json.TrendDocument;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The few calls the demo makes to its collector's REST API: readiness, the task list, and each
 * task's trend. Reads the task list leniently (only the fields the demo shows) and the trend with
 * the analysis' typed reader. Thread-safe.
 */
public final class CollectorApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One task as the collector reports it, reduced to what the demo prints. */
  public record Task(
      String taskId,
      int snapshots,
      long heapUsedBytes,
      String assessment,
      long storedBytes,
      String lastOutcome,
      String lastMessage) {}

  private volatile String lastHealth = "no answer";
  private final URI base;
  private final URI management;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * @param base the API port
   * @param management the management interface (health, metrics, OpenAPI)
   */
  public CollectorApi(URI base, URI management, String token) {
    this.base = base;
    this.management = management;
    this.token = token;
  }

  /** The last readiness answer (status and body), for error messages. */
  public String lastHealth() {
    return lastHealth;
  }

  public URI base() {
    return base;
  }

  /** The management interface (health, metrics, OpenAPI). */
  public URI management() {
    return management;
  }

  /** Whether {@code /q/health/ready} on the management interface answers 200. */
  public boolean ready() {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(management.resolve("/q/health/ready"))
                  .timeout(Duration.ofSeconds(2))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      lastHealth = r.statusCode() + " " + abbreviate(r.body());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** {@code GET /api/tasks}. */
  public List<Task> tasks() throws IOException, InterruptedException {
    JsonNode root = get("/api/tasks").orElseThrow(() -> new IOException("/api/tasks: 404"));
    JsonNode list = root.isArray() ? root : root.path("tasks");
    List<Task> out = new ArrayList<>();
    for (JsonNode t : list) {
      long stored = 0;
      // The sum of stored sizes is not in the listing; the newest dump's size is.
      JsonNode last = t.path("lastCapture");
      if (last.isObject()) {
        stored = last.path("sizeBytes").asLong(0);
      }
      JsonNode attempt = t.path("lastAttempt");
      out.add(
          new Task(
              t.path("taskId").asText(),
              t.path("snapshots").asInt(0),
              t.path("heapUsedBytes").asLong(-1),
              t.path("assessment").asText("unknown"),
              stored,
              attempt.path("outcome").asText(null),
              attempt.path("message").asText(null)));
    }
    return out;
  }

  /**
   * {@code GET /api/tasks/{id}/trend}, read with the analysis' typed reader, or empty when the
   * collector has none yet.
   *
   * @throws io.heapfleet.analysis.json.AnalysisJsonException when the answer is not trend JSON
   */
  public Optional<TrendDocument> trend(String taskId) throws IOException, InterruptedException {
    Optional<String> body = getText("/api/tasks/" + taskId + "/trend");
    return body.isEmpty() ? Optional.empty() : Optional.of(AnalysisJson.readTrend(body.get()));
  }

  /** {@code GET /api/fleet} as JSON (live tasks, which leak, how many are stable). */
  public Optional<JsonNode> fleet() throws IOException, InterruptedException {
    return get("/api/fleet");
  }

  /** {@code GET /api/tasks/{id}} as JSON, or empty when unknown. */
  public Optional<JsonNode> task(String taskId) throws IOException, InterruptedException {
    return get("/api/tasks/" + taskId);
  }

  private Optional<JsonNode> get(String path) throws IOException, InterruptedException {
    Optional<String> body = getText(path);
    return body.isEmpty() ? Optional.empty() : Optional.of(JSON.readTree(body.get()));
  }

  private Optional<String> getText(String path) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 404) {
      return Optional.empty();
    }
    if (r.statusCode() != 200) {
      // Never echo the request (it carries the token); the body is the collector's JSON error.
      throw new IOException(
          "collector " + path + " answered " + r.statusCode() + ": " + abbreviate(r.body()));
    }
    return Optional.of(r.body());
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }
}
