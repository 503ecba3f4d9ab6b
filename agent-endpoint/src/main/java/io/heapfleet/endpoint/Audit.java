package io.heapfleet.endpoint;

import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The audit line of one request: who asked (remote address), what (path, redacted query), the
 * outcome, bytes sent and how long it took. Logged once, at INFO, to the {@code
 * io.heapfleet.endpoint.audit} logger (java.util.logging, which Quarkus routes to its own log).
 * Never contains a token: the query's {@code hash} is redacted and headers are not logged. Used by
 * one request thread at a time.
 */
final class Audit {

  static final Logger LOG = Logger.getLogger("io.heapfleet.endpoint.audit");

  private final long startNanos = System.nanoTime();
  private final String remote;
  private final String method;
  private final String path;
  private final String query;
  private final StringBuilder details = new StringBuilder();
  private String outcome = "ok";

  Audit(EndpointRequest request) {
    this.remote = request.remoteAddress();
    this.method = request.method();
    this.path = request.path();
    this.query = EndpointRequest.redact(request.rawQuery());
  }

  /** Sets the outcome word (e.g. {@code ok}, {@code unauthorized}, {@code busy}). */
  Audit outcome(String outcome) {
    this.outcome = outcome;
    return this;
  }

  String outcome() {
    return outcome;
  }

  /** Adds a {@code key=value} detail. Callers never pass secrets or tokens. */
  Audit detail(String key, Object value) {
    details.append(' ').append(key).append('=').append(value);
    return this;
  }

  void log(int status, String finalOutcome, long bytes) {
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    LOG.info(
        "heapdump audit remote="
            + remote
            + " request=\""
            + method
            + ' '
            + path
            + (query.isEmpty() ? "" : "?" + query)
            + "\" status="
            + status
            + " outcome="
            + finalOutcome
            + " bytes="
            + bytes
            + " durationMs="
            + ms
            + details);
  }
}
