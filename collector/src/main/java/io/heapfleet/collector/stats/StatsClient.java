package io.heapfleet.collector.stats;

import io.heapfleet.auth.TaskCredentials;
import io.heapfleet.collector.discovery.Target;
import io.heapfleet.endpoint.HeapfleetHeaders;
import io.heapfleet.endpoint.client.HeapdumpClient;
import io.heapfleet.endpoint.client.HeapdumpClientException;
import io.heapfleet.endpoint.client.ProofException;
import io.heapfleet.endpoint.client.ProvenTask;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Reads a task's {@code GET /heapdump/stats} cheaply: one keep-alive HTTP/1.1 client for the whole
 * fleet (one pooled connection per task, reused poll after poll), and the read-only task token
 * ({@code HeapFleet-Task}, docs/proof.md), which is sent only to an endpoint that has proven with
 * the shared secret that it is that task. The proof is asked once per task and {@code reprove} (and
 * again after a 401 or 421, or when the task's address changes), so a poll is one request. A fake
 * at a task's address never sees a credential; what it could replay opens only that task's stats
 * and identity for an hour. Thread-safe.
 */
public final class StatsClient {

  /** How a poll ended, as a metric tag. */
  public enum Outcome {
    OK,
    /** The endpoint did not prove it is the task: sent nothing. */
    UNTRUSTED,
    UNAUTHORIZED,
    /** Another task answered at the task's address (421). */
    MISDIRECTED,
    /** The endpoint serves no stats (an agent older than the stats route: 404). */
    UNSUPPORTED,
    /** Unreachable, timed out, an error status or a malformed answer. */
    FAILED;

    public String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * A poll's result: a sample when {@link Outcome#OK}; for a {@link #probe}, what the task said of
   * the collection it was asked to run ({@code null} for a plain poll).
   */
  public record Result(Outcome outcome, StatsSample sample, String message, ForcedGc gc) {
    public Result(Outcome outcome, StatsSample sample, String message) {
      this(outcome, sample, message, null);
    }
  }

  /**
   * The task's account of a collection asked for with {@code ?gc=full}: it ran ({@code pauseMs},
   * its wall time on the task), or it did not and {@code reason} says why (an agent that does not
   * know the parameter answers plain stats: not forced, "not supported").
   */
  public record ForcedGc(boolean forced, long pauseMs, String reason) {}

  private record Proof(URI base, TaskCredentials credentials, Instant at) {}

  private final HeapdumpClient proofs;
  private final Supplier<TaskCredentials> credentials;
  private final HttpClient http;
  private final Duration timeout;
  private final Duration reprove;
  private final Clock clock;
  private final Map<String, Proof> proven = new ConcurrentHashMap<>();

  /**
   * @param timeout connect and request timeout of one poll
   * @param reprove how long a proof is trusted before the task is asked to prove itself again
   */
  public StatsClient(
      HeapdumpClient proofs,
      Supplier<TaskCredentials> credentials,
      Duration timeout,
      Duration reprove,
      Clock clock) {
    this.proofs = Objects.requireNonNull(proofs, "proofs");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.reprove = Objects.requireNonNull(reprove, "reprove");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** Polls one task once; never throws for anything the task does. */
  public Result poll(Target t) {
    return request(t, false);
  }

  /**
   * Asks one task to run a full collection and then answer its stats ({@code GET
   * /heapdump/stats?gc=full}): the old generation's after-GC figure is fresh afterwards. Costs the
   * task a full-collection pause (far less than a dump); the task allows one per 10 s. Never throws
   * for anything the task does.
   */
  public Result probe(Target t) {
    return request(t, true);
  }

  private Result request(Target t, boolean forceGc) {
    Instant now = clock.instant();
    Proof p = proven.get(t.taskId());
    if (p == null || !p.base().equals(t.baseUri()) || !now.isBefore(p.at().plus(reprove))) {
      try {
        ProvenTask task = proofs.prove(t.baseUri(), credentials.get(), t.agentTaskId());
        p = new Proof(t.baseUri(), task.credentials(), now);
        proven.put(t.taskId(), p);
      } catch (ProofException e) {
        forget(t.taskId());
        return new Result(Outcome.UNTRUSTED, null, e.getMessage());
      } catch (HeapdumpClientException e) {
        forget(t.taskId());
        Outcome o = e.status() == 421 ? Outcome.MISDIRECTED : Outcome.FAILED;
        return new Result(o, null, e.getMessage());
      } catch (IOException | RuntimeException e) {
        forget(t.taskId());
        return new Result(Outcome.FAILED, null, String.valueOf(e.getMessage()));
      }
    }
    // The token's hour is the endpoint's wall-clock hour, whatever clock stamps the samples.
    String token = p.credentials().taskToken(t.agentTaskId(), Instant.now());
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    HeapdumpClient.heapdumpUri(t.baseUri())
                        + "/stats"
                        + (forceGc ? "?gc=full" : "")))
            .GET()
            .timeout(timeout)
            .header(HeapfleetHeaders.AUTHORIZATION, HeapfleetHeaders.SCHEME_TASK + " " + token)
            .header(HeapfleetHeaders.TARGET_TASK, t.agentTaskId())
            .build();
    try {
      HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      byte[] body;
      try (InputStream in = r.body()) {
        body = in.readNBytes(StatsSample.MAX_BYTES + 1);
      }
      switch (r.statusCode()) {
        case 200 -> {
          if (body.length > StatsSample.MAX_BYTES) {
            return new Result(Outcome.FAILED, null, "stats answer larger than allowed");
          }
          var answer = StatsSample.tree(new String(body, StandardCharsets.UTF_8));
          StatsSample s = StatsSample.parse(answer, t.agentTaskId(), clock.instant());
          return new Result(Outcome.OK, s, "", forceGc ? StatsSample.forcedGc(answer) : null);
        }
        case 401 -> {
          forget(t.taskId());
          return new Result(Outcome.UNAUTHORIZED, null, "401");
        }
        case 421 -> {
          forget(t.taskId());
          return new Result(Outcome.MISDIRECTED, null, "421: another task answered");
        }
        case 404 -> {
          return new Result(Outcome.UNSUPPORTED, null, "404: the endpoint serves no stats");
        }
        default -> {
          return new Result(Outcome.FAILED, null, "HTTP " + r.statusCode());
        }
      }
    } catch (IllegalArgumentException e) {
      return new Result(Outcome.FAILED, null, e.getMessage());
    } catch (IOException e) {
      forget(t.taskId()); // a new connection may be another peer: prove again
      return new Result(Outcome.FAILED, null, String.valueOf(e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(Outcome.FAILED, null, "interrupted");
    }
  }

  /** Forgets a task's proof (it has gone, or must prove itself again). */
  public void forget(String taskId) {
    proven.remove(taskId);
  }
}
