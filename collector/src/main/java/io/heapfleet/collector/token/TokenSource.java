package io.heapfleet.collector.token;

import io.heapfleet.auth.HourlyToken;
import io.heapfleet.auth.Secret;
import io.heapfleet.auth.SecretException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Makes the hourly token the collector presents to every {@code /heapdump} endpoint. The secret
 * comes from a loader (env, file or Secrets Manager) and is reloaded after {@code refresh}, so a
 * rotated secret is picked up without a restart; if a reload fails the previous secret is kept.
 * Neither the secret nor a token is logged or put into an exception message. Thread-safe.
 */
public final class TokenSource {
  private final Supplier<Secret> loader;
  private final String scope;
  private final Clock clock;
  private final Duration refresh;
  private Secret secret;
  private Instant loadedAt;

  public TokenSource(Supplier<Secret> loader, String scope, Clock clock, Duration refresh) {
    this.loader = Objects.requireNonNull(loader, "loader");
    this.scope = Objects.requireNonNull(scope, "scope");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.refresh = Objects.requireNonNull(refresh, "refresh");
  }

  /** The token for the current UTC hour. */
  public String currentToken() {
    return HourlyToken.compute(secret(), scope, clock.instant());
  }

  /**
   * The current secret, loading it on first use and after {@code refresh}.
   *
   * @throws SecretException when no secret was ever loaded
   */
  public synchronized Secret secret() {
    Instant now = clock.instant();
    if (secret == null || !now.isBefore(loadedAt.plus(refresh))) {
      try {
        secret = loader.get();
        loadedAt = now;
      } catch (SecretException e) {
        if (secret == null) {
          throw e;
        }
        loadedAt = now; // keep the previous secret; try again after another refresh period
      }
    }
    return secret;
  }
}
