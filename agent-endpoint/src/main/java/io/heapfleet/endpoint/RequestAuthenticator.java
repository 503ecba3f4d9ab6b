package io.heapfleet.endpoint;

import io.heapfleet.auth.Secret;
import io.heapfleet.auth.TaskCredentials;
import io.heapfleet.auth.TokenCheck;
import io.heapfleet.auth.TokenVerifier;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether a request's credential opens the resource it asks for, for this endpoint's own
 * task (docs/proof.md):
 *
 * <ul>
 *   <li>{@code HeapDump <hourly token>} or {@code ?hash=}: every resource, unless the endpoint
 *       refuses hourly tokens ({@code HEAPFLEET_HOURLY_TOKEN=refuse});
 *   <li>{@code HeapFleet-Capture <nonce>.<capture>}: one request (dump, identity or stats),
 *       consuming the nonce whatever the request's outcome;
 *   <li>{@code HeapFleet-Task <task token>}: the identity and stats only, never the dump.
 * </ul>
 *
 * As a {@link RequestFilter} it answers a bare 401: the reason for a refusal goes to the audit line
 * only. Thread-safe.
 */
final class RequestAuthenticator implements RequestFilter {

  /** The outcome: whether access is granted, by which kind of credential, or why not. */
  static final class Access {
    final boolean granted;
    final String detail;

    private Access(boolean granted, String detail) {
      this.granted = granted;
      this.detail = detail;
    }

    static Access granted(String kind) {
      return new Access(true, kind);
    }

    static Access refused(String reason) {
      return new Access(false, reason);
    }
  }

  private final TokenVerifier hourly;
  private final TokenVerifier taskTokens;
  // The same checks with the previous secret, when one is configured; null otherwise.
  private final TokenVerifier previousHourly;
  private final TokenVerifier previousTaskTokens;
  private final TaskCredentials credentials;
  private final NonceStore nonces;
  private final String taskId;
  private final boolean acceptHourly;

  RequestAuthenticator(EndpointSettings settings, String taskId, NonceStore nonces, Clock clock) {
    this.taskId = taskId;
    this.nonces = nonces;
    this.acceptHourly = settings.acceptHourlyToken();
    TaskCredentials current = TaskCredentials.of(settings.secret(), settings.scope());
    this.hourly =
        TokenVerifier.builder(settings.secret()).scope(settings.scope()).clock(clock).build();
    this.taskTokens = current.taskTokenVerifier(taskId).clock(clock).build();
    if (settings.previousSecret().isPresent()) {
      Secret previous = settings.previousSecret().get();
      this.credentials = current.withPrevious(previous);
      this.previousHourly =
          TokenVerifier.builder(previous).scope(settings.scope()).clock(clock).build();
      this.previousTaskTokens =
          TaskCredentials.of(previous, settings.scope())
              .taskTokenVerifier(taskId)
              .clock(clock)
              .build();
    } else {
      this.credentials = current;
      this.previousHourly = null;
      this.previousTaskTokens = null;
    }
  }

  TaskCredentials credentials() {
    return credentials;
  }

  @Override
  public Optional<EndpointResponse> refuse(
      EndpointRequest request, EndpointPath path, Audit audit) {
    Access access = check(request, path);
    if (!access.granted) {
      // Nothing else is said: not which part was wrong, not which task this is.
      Map<String, String> h = new LinkedHashMap<>();
      h.put("WWW-Authenticate", HeapfleetHeaders.SCHEME_HOURLY);
      return Optional.of(
          EndpointResponse.json(
              401,
              h,
              Answers.errorJson("unauthorized", "a valid token is required"),
              audit.outcome("unauthorized").detail("reason", access.detail)));
    }
    audit.detail("task", taskId).detail("auth", access.detail);
    return Optional.empty();
  }

  Access check(EndpointRequest request, EndpointPath path) {
    String auth = request.header(HeapfleetHeaders.AUTHORIZATION);
    if (auth == null || auth.isBlank()) {
      String hash = request.queryParameter(HeapfleetHeaders.HASH_PARAMETER);
      return hash == null ? Access.refused("missing") : hourly(hash);
    }
    String value = auth.trim();
    int space = value.indexOf(' ');
    String scheme = space < 0 ? value : value.substring(0, space);
    String credential = space < 0 ? "" : value.substring(space + 1).trim();
    if (scheme.equalsIgnoreCase(HeapfleetHeaders.SCHEME_HOURLY)) {
      return hourly(credential);
    }
    if (scheme.equalsIgnoreCase(HeapfleetHeaders.SCHEME_CAPTURE)) {
      return capture(credential);
    }
    if (scheme.equalsIgnoreCase(HeapfleetHeaders.SCHEME_TASK)) {
      if (path == EndpointPath.DUMP) {
        return Access.refused("task-token-is-read-only");
      }
      TokenCheck check = verify(taskTokens, previousTaskTokens, credential);
      return check.isValid() ? Access.granted("task") : Access.refused(reason("task", check));
    }
    return Access.refused("unknown-scheme");
  }

  private Access hourly(String token) {
    if (!acceptHourly) {
      return Access.refused("hourly-token-refused");
    }
    TokenCheck check = verify(hourly, previousHourly, token);
    // The bare reason (missing, malformed, mismatch) is what audit lines have always said.
    return check.isValid()
        ? Access.granted("hourly")
        : Access.refused(check.name().toLowerCase(Locale.ROOT));
  }

  private Access capture(String credential) {
    int dot = credential.indexOf('.');
    if (dot < 0) {
      return Access.refused("capture-malformed");
    }
    String nonce = credential.substring(0, dot);
    String mac = credential.substring(dot + 1);
    if (!TaskCredentials.isValidNonce(nonce) || !TaskCredentials.isValidMac(mac)) {
      return Access.refused("capture-malformed");
    }
    boolean ok = nonces.consume(nonce, n -> credentials.captureMatches(mac, taskId, n));
    return ok ? Access.granted("capture") : Access.refused("capture-mismatch-or-used");
  }

  /** The current secret's check, or the previous secret's when only that one accepts. */
  private static TokenCheck verify(TokenVerifier current, TokenVerifier previous, String token) {
    TokenCheck check = current.verify(token);
    if (check.isValid() || previous == null) {
      return check;
    }
    TokenCheck before = previous.verify(token);
    return before.isValid() ? before : check;
  }

  private static String reason(String kind, TokenCheck check) {
    return kind + "-" + check.name().toLowerCase(Locale.ROOT);
  }
}
