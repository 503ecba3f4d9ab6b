package io.heapfleet.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Nonces: single use, 120 s, at most 256 outstanding; time moved by a clock, never slept. */
class NonceStoreTest {

  /** A clock the test moves. */
  private static final class MovingClock extends Clock {
    Instant now = Instant.parse("2026-11-22T01:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final MovingClock clock = new MovingClock();
  private final NonceStore store =
      new NonceStore(clock, NonceStore.DEFAULT_TTL, NonceStore.DEFAULT_CAPACITY);

  @Test
  void aNonceIsConsumedOnceAndOnlyWithAMatchingCredential() {
    String nonce = store.issue();
    assertThat(store.consume(nonce, n -> false)).isFalse();
    assertThat(store.consume(nonce, n -> true)).isTrue();
    assertThat(store.consume(nonce, n -> true)).isFalse();
  }

  @Test
  void aNonceExpiresAfter120Seconds() {
    String kept = store.issue();
    String expired = store.issue();
    clock.now = clock.now.plus(Duration.ofSeconds(119));
    assertThat(store.consume(kept, n -> true)).isTrue();
    clock.now = clock.now.plus(Duration.ofSeconds(1));
    assertThat(store.consume(expired, n -> true)).isFalse();
    assertThat(store.outstanding()).isZero();
  }

  @Test
  void issuingThe257thForgetsTheOldest() {
    List<String> nonces = new ArrayList<>();
    for (int i = 0; i < 257; i++) {
      nonces.add(store.issue());
    }
    assertThat(store.outstanding()).isEqualTo(256);
    assertThat(store.consume(nonces.get(0), n -> true)).isFalse();
    assertThat(store.consume(nonces.get(1), n -> true)).isTrue();
    assertThat(store.consume(nonces.get(256), n -> true)).isTrue();
  }

  @Test
  void aNonceNeverIssuedIsRefused() {
    store.issue();
    assertThat(store.consume("00112233445566778899aabbccddeeff", n -> true)).isFalse();
    assertThat(store.consume(null, n -> true)).isFalse();
  }
}
