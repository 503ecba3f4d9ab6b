package io.heapfleet.collector.token;

import io.heapfleet.auth.HourlyToken;
import io.heapfleet.auth.Secret;
import io.heapfleet.auth.SecretException;
import io.heapfleet.auth.TaskCredentials;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The collector's side of the shared secret: the {@link TaskCredentials} with which it checks an
 * endpoint's proof and makes the task-bound credentials it sends (docs/proof.md). The collector
 * never sends the hourly token, which would open every task of the fleet for an hour to whatever
 * endpoint it is sent to; {@link #currentToken()} remains for tools that hold the secret. The
 * secret comes from a loader (env, file or Secrets Manager) and is reloaded after {@code refresh},
 * so a rotated secret is picked up without a restart; if a reload fails the previous secret is
 * kept. Neither the secret nor a token is logged or put into an exception message. Thread-safe.
 */
public final class TokenSource {
  private final Supplier<Secret> loader;
  private final String scope;
  private final Clock clock;
  private final Duration refresh;
  private final Supplier<Optional<Secret>> previousLoader;
  private Secret secret;
  private Optional<Secret> previous = Optional.empty();
  private Instant loadedAt;

  public TokenSource(Supplier<Secret> loader, String scope, Clock clock, Duration refresh) {
    this(loader, Optional::empty, scope, clock, refresh);
  }

  /** A source that also loads the previous secret (see {@link SecretLoader#previous()}). */
  public TokenSource(
      Supplier<Secret> loader,
      Supplier<Optional<Secret>> previousLoader,
      String scope,
      Clock clock,
      Duration refresh) {
    this.loader = Objects.requireNonNull(loader, "loader");
    this.previousLoader = Objects.requireNonNull(previousLoader, "previousLoader");
    this.scope = Objects.requireNonNull(scope, "scope");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.refresh = Objects.requireNonNull(refresh, "refresh");
  }

  /**
   * The proof checker and credential maker for the current secret and the scope, with the previous
   * secret as an alternative: a task still on the previous secret proves with it, and is then sent
   * credentials made with it (docs/proof.md, "Secret rotation").
   */
  public TaskCredentials credentials() {
    TaskCredentials current = TaskCredentials.of(secret(), scope);
    Optional<Secret> before = previous();
    return before.isPresent() ? current.withPrevious(before.get()) : current;
  }

  /** The previous secret, loaded with the current one; empty when there is none. */
  public synchronized Optional<Secret> previous() {
    secret();
    return previous;
  }

  /** The hourly token for the current UTC hour (never sent by the collector). */
  public String currentToken() {
    return HourlyToken.compute(secret(), scope, clock.instant());
  }

  private boolean sameSecret(Secret a, Secret b) {
    // Secret hides its bytes; equal secrets make equal tokens.
    return HourlyToken.compute(a, scope, Instant.EPOCH)
        .equals(HourlyToken.compute(b, scope, Instant.EPOCH));
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
        previous = previousLoader.get().filter(p -> !sameSecret(p, secret));
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
