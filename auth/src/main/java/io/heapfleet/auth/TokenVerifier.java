package io.heapfleet.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * Checks presented hourly tokens (or, with {@link Builder#taskToken}, task tokens) against the
 * hours it accepts: the current UTC hour; the previous hour for {@link #DEFAULT_GRACE a grace
 * period} after the hour turns (a request signed at 10:59:59 arrives at 11:00:01); and the next
 * hour within {@link #DEFAULT_SKEW a clock-skew window} before it starts (the caller's clock runs
 * ahead). Comparison is constant-time.
 *
 * <p>Time comes from the injected {@link Clock}, so tests move time instead of sleeping. Immutable
 * and thread-safe.
 */
public final class TokenVerifier {

  /** How long after the hour turns the previous hour's token is still accepted. */
  public static final Duration DEFAULT_GRACE = Duration.ofMinutes(5);

  /** How long before the next hour starts its token is already accepted. */
  public static final Duration DEFAULT_SKEW = Duration.ofMinutes(2);

  private static final Duration HOUR = Duration.ofHours(1);

  private final Secret secret;
  private final String scope;
  private final Clock clock;
  private final Duration grace;
  private final Duration skew;
  private final String taskId;

  private TokenVerifier(Builder b) {
    this.secret = b.secret;
    this.scope = b.scope;
    this.clock = b.clock;
    this.grace = b.grace;
    this.skew = b.skew;
    this.taskId = b.taskId;
  }

  /** A verifier with default scope, clock (system UTC), grace and skew. */
  public static Builder builder(Secret secret) {
    return new Builder(secret);
  }

  /** Checks a presented token (may be null or blank, which is {@link TokenCheck#MISSING}). */
  public TokenCheck verify(String presented) {
    if (presented == null || presented.isBlank()) {
      return TokenCheck.MISSING;
    }
    String token = presented.strip();
    if (!isHex64(token)) {
      return TokenCheck.MALFORMED;
    }
    byte[] given = token.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    Instant now = clock.instant();
    Instant hour = HourlyToken.hourStart(now);
    // Every candidate is computed and compared, so timing does not reveal which hour matched.
    boolean current = matches(given, hour);
    boolean previous = now.isBefore(hour.plus(grace)) && matches(given, hour.minus(HOUR));
    Instant next = hour.plus(HOUR);
    boolean upcoming = !now.isBefore(next.minus(skew)) && matches(given, next);
    if (current) {
      return TokenCheck.VALID_CURRENT_HOUR;
    }
    if (previous) {
      return TokenCheck.VALID_PREVIOUS_HOUR;
    }
    if (upcoming) {
      return TokenCheck.VALID_NEXT_HOUR;
    }
    return TokenCheck.MISMATCH;
  }

  /** The token a caller should present now (for clients that share this configuration). */
  public String currentToken() {
    return tokenFor(clock.instant());
  }

  private String tokenFor(Instant hour) {
    return taskId == null
        ? HourlyToken.compute(secret, scope, hour)
        : TaskCredentials.of(secret, scope).taskToken(taskId, hour);
  }

  private boolean matches(byte[] given, Instant hour) {
    byte[] expected = tokenFor(hour).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, given);
  }

  private static boolean isHex64(String s) {
    if (s.length() != HourlyToken.LENGTH) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!hex) {
        return false;
      }
    }
    return true;
  }

  /** Builds a {@link TokenVerifier}; arguments are checked as they are set. */
  public static final class Builder {
    private final Secret secret;
    private String scope = HourlyToken.DEFAULT_SCOPE;
    private Clock clock = Clock.systemUTC();
    private Duration grace = DEFAULT_GRACE;
    private Duration skew = DEFAULT_SKEW;
    private String taskId;

    private Builder(Secret secret) {
      this.secret = Objects.requireNonNull(secret, "secret");
    }

    /** The scope tokens must be signed for (default {@code heapdump}). */
    public Builder scope(String scope) {
      if (scope == null || scope.isEmpty()) {
        throw new IllegalArgumentException("scope must not be empty");
      }
      this.scope = scope;
      return this;
    }

    /** The clock that says what hour it is. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How long after the hour turns the previous hour's token is accepted (0 to 30 min). */
    public Builder grace(Duration grace) {
      this.grace = checkWindow("grace", grace);
      return this;
    }

    /** How long before the next hour its token is accepted (0 to 30 min). */
    public Builder skew(Duration skew) {
      this.skew = checkWindow("skew", skew);
      return this;
    }

    /**
     * Verifies task tokens of {@code taskId} ({@link TaskCredentials#taskToken}) instead of hourly
     * tokens, with the same hour windows.
     */
    public Builder taskToken(String taskId) {
      if (!TaskCredentials.isValidTaskId(taskId)) {
        throw new IllegalArgumentException("not a valid task id");
      }
      this.taskId = taskId;
      return this;
    }

    public TokenVerifier build() {
      return new TokenVerifier(this);
    }

    private static Duration checkWindow(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.compareTo(Duration.ofMinutes(30)) > 0) {
        throw new IllegalArgumentException(name + " must be between 0 and 30 minutes, was " + d);
      }
      return d;
    }
  }
}
