package io.heapfleet.endpoint;

import io.heapfleet.auth.TaskCredentials;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The nonces this endpoint issued with its proofs, each good for one capture credential: kept for
 * {@link #DEFAULT_TTL 120 s}, at most {@link #DEFAULT_CAPACITY 256} at a time (issuing one more
 * forgets the oldest, so a caller asking for proofs in a loop costs a bounded map), and removed by
 * the first request that presents it with a matching credential. Time comes from the injected
 * clock. Thread-safe (synchronized; every operation is a few map steps).
 */
final class NonceStore {

  static final Duration DEFAULT_TTL = Duration.ofSeconds(120);
  static final int DEFAULT_CAPACITY = 256;

  private final Clock clock;
  private final Duration ttl;
  private final int capacity;
  // Insertion order is issue order: the eldest entry is the oldest nonce.
  private final LinkedHashMap<String, Instant> issued = new LinkedHashMap<>();

  NonceStore(Clock clock, Duration ttl, int capacity) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ttl = Objects.requireNonNull(ttl, "ttl");
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
    }
    this.capacity = capacity;
  }

  /** Issues a fresh nonce. */
  synchronized String issue() {
    Instant now = clock.instant();
    expire(now);
    while (issued.size() >= capacity) {
      Iterator<String> eldest = issued.keySet().iterator();
      eldest.next();
      eldest.remove();
    }
    String nonce;
    do {
      nonce = TaskCredentials.randomHex();
    } while (issued.containsKey(nonce));
    issued.put(nonce, now);
    return nonce;
  }

  /**
   * Consumes {@code nonce} if this store issued it less than the TTL ago, it is unused, and {@code
   * credentialMatches} accepts it; a credential that does not match leaves the nonce for its
   * rightful holder.
   */
  synchronized boolean consume(String nonce, Predicate<String> credentialMatches) {
    Instant now = clock.instant();
    expire(now);
    if (nonce == null || !issued.containsKey(nonce) || !credentialMatches.test(nonce)) {
      return false;
    }
    issued.remove(nonce);
    return true;
  }

  /** How many nonces are outstanding (for tests). */
  synchronized int outstanding() {
    expire(clock.instant());
    return issued.size();
  }

  private void expire(Instant now) {
    Instant oldestKept = now.minus(ttl);
    Iterator<Map.Entry<String, Instant>> it = issued.entrySet().iterator();
    while (it.hasNext()) {
      // Issue order is time order (a clock that goes back only keeps a nonce a little longer).
      if (it.next().getValue().isAfter(oldestKept)) {
        break;
      }
      it.remove();
    }
  }
}
