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
    this.remote = printable(request.remoteAddress());
    this.method = printable(request.method());
    this.path = printable(request.path());
    this.query = printable(EndpointRequest.redact(request.rawQuery()));
  }

  /** The caller's text with control characters escaped, so it cannot forge or split a line. */
  static String printable(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c)) {
        if (sb == null) {
          sb = new StringBuilder(s.length() + 8).append(s, 0, i);
        }
        sb.append(String.format("\\x%02x", (int) c));
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? s : sb.toString();
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
