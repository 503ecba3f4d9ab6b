package io.heapfleet.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TokenVerifierTest {

  private static final Secret SECRET = Secret.of("0123456789abcdef0123456789abcdef-test", false);
  private static final Instant HOUR = Instant.parse("2026-11-22T10:00:00Z");

  private static TokenVerifier at(Instant now) {
    return TokenVerifier.builder(SECRET).clock(Clock.fixed(now, ZoneOffset.UTC)).build();
  }

  private static String tokenFor(Instant hour) {
    return HourlyToken.compute(SECRET, HourlyToken.DEFAULT_SCOPE, hour);
  }

  @Test
  void tokenForCurrentHourIsAccepted() {
    assertThat(at(HOUR.plusSeconds(1800)).verify(tokenFor(HOUR)))
        .isEqualTo(TokenCheck.VALID_CURRENT_HOUR);
  }

  @Test
  void uppercaseHexAndSurroundingWhitespaceAreAccepted() {
    assertThat(at(HOUR).verify("  " + tokenFor(HOUR).toUpperCase() + "\n"))
        .isEqualTo(TokenCheck.VALID_CURRENT_HOUR);
  }

  @Test
  void tokenFromPreviousHourIsAcceptedWithinGracePeriod() {
    Instant now = HOUR.plus(Duration.ofMinutes(4)).plusSeconds(59);
    assertThat(at(now).verify(tokenFor(HOUR.minusSeconds(3600))))
        .isEqualTo(TokenCheck.VALID_PREVIOUS_HOUR);
  }

  @Test
  void tokenFromPreviousHourIsRefusedAfterGracePeriod() {
    Instant now = HOUR.plus(Duration.ofMinutes(5));
    assertThat(at(now).verify(tokenFor(HOUR.minusSeconds(3600)))).isEqualTo(TokenCheck.MISMATCH);
  }

  @Test
  void tokenFromNextHourIsAcceptedWithinClockSkew() {
    Instant now = HOUR.plus(Duration.ofMinutes(58));
    assertThat(at(now).verify(tokenFor(HOUR.plusSeconds(3600))))
        .isEqualTo(TokenCheck.VALID_NEXT_HOUR);
  }

  @Test
  void tokenFromNextHourIsRefusedBeforeClockSkewWindow() {
    Instant now = HOUR.plus(Duration.ofMinutes(57)).plusSeconds(59);
    assertThat(at(now).verify(tokenFor(HOUR.plusSeconds(3600)))).isEqualTo(TokenCheck.MISMATCH);
  }

  @Test
  void tokenTwoHoursOldIsRefused() {
    assertThat(at(HOUR.plusSeconds(10)).verify(tokenFor(HOUR.minusSeconds(7200))))
        .isEqualTo(TokenCheck.MISMATCH);
  }

  @Test
  void graceAndSkewAreConfigurable() {
    TokenVerifier strict =
        TokenVerifier.builder(SECRET)
            .clock(Clock.fixed(HOUR.plusSeconds(30), ZoneOffset.UTC))
            .grace(Duration.ZERO)
            .skew(Duration.ZERO)
            .build();
    assertThat(strict.verify(tokenFor(HOUR.minusSeconds(3600)))).isEqualTo(TokenCheck.MISMATCH);
    assertThat(strict.verify(tokenFor(HOUR))).isEqualTo(TokenCheck.VALID_CURRENT_HOUR);
  }

  @Test
  void tokenForAnotherScopeIsRefused() {
    String otherScope = HourlyToken.compute(SECRET, "other", HOUR);
    assertThat(at(HOUR).verify(otherScope)).isEqualTo(TokenCheck.MISMATCH);
    TokenVerifier scoped =
        TokenVerifier.builder(SECRET)
            .scope("other")
            .clock(Clock.fixed(HOUR, ZoneOffset.UTC))
            .build();
    assertThat(scoped.verify(otherScope)).isEqualTo(TokenCheck.VALID_CURRENT_HOUR);
  }

  @Test
  void tokenMadeWithAnotherSecretIsRefused() {
    Secret other = Secret.of("another-secret-that-is-long-enough-000", false);
    assertThat(at(HOUR).verify(HourlyToken.compute(other, "heapdump", HOUR)))
        .isEqualTo(TokenCheck.MISMATCH);
  }

  @Test
  void tamperedTokenIsRefused() {
    char[] token = tokenFor(HOUR).toCharArray();
    for (int i = 0; i < token.length; i += 7) {
      char[] tampered = token.clone();
      tampered[i] = tampered[i] == '0' ? '1' : '0';
      assertThat(at(HOUR).verify(new String(tampered))).isEqualTo(TokenCheck.MISMATCH);
    }
  }

  @Test
  void emptyAndGarbageInputIsRefusedWithReason() {
    TokenVerifier verifier = at(HOUR);
    assertThat(verifier.verify(null)).isEqualTo(TokenCheck.MISSING);
    assertThat(verifier.verify("")).isEqualTo(TokenCheck.MISSING);
    assertThat(verifier.verify("   ")).isEqualTo(TokenCheck.MISSING);
    assertThat(verifier.verify("not-a-token")).isEqualTo(TokenCheck.MALFORMED);
    assertThat(verifier.verify(tokenFor(HOUR) + "00")).isEqualTo(TokenCheck.MALFORMED);
    assertThat(verifier.verify(tokenFor(HOUR).substring(1))).isEqualTo(TokenCheck.MALFORMED);
    assertThat(verifier.verify("g".repeat(64))).isEqualTo(TokenCheck.MALFORMED);
    assertThat(verifier.verify("\u0000".repeat(64))).isEqualTo(TokenCheck.MALFORMED);
    assertThat(TokenCheck.MALFORMED.isValid()).isFalse();
  }

  @Test
  void windowsOutsideBoundsAreRejectedAtTheDoor() {
    assertThatThrownBy(() -> TokenVerifier.builder(SECRET).grace(Duration.ofHours(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("grace")
        .hasMessageContaining("PT2H");
    assertThatThrownBy(() -> TokenVerifier.builder(SECRET).skew(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("skew");
  }

  @Test
  void currentTokenIsAcceptedByTheSameConfiguration() {
    TokenVerifier verifier = at(HOUR.plusSeconds(42));
    assertThat(verifier.verify(verifier.currentToken())).isEqualTo(TokenCheck.VALID_CURRENT_HOUR);
  }
}
