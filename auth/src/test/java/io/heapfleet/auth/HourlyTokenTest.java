package io.heapfleet.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class HourlyTokenTest {

  // Vectors computed with the reference Node.js implementation (node 20, moment 2.30):
  //   const date = moment.utc(at).startOf('hour').toISOString();
  //   crypto.createHmac('sha256', secret).update(JSON.stringify({date, value})).digest('hex')
  private static final String STRONG = "correct-horse-battery-staple-0123456789";

  @Test
  void matchesTheOriginalNodeOneLiner() {
    Secret secret = Secret.of(STRONG, false);
    assertThat(HourlyToken.compute(secret, "heapdump", Instant.parse("2026-11-22T01:37:00Z")))
        .isEqualTo("c2d3b91cf82856379d12de7df09b62721d94d38766b9f09af4da07c16f6e35cf");
  }

  @Test
  void matchesTheOriginalWithItsShortSecret() {
    Secret secret = Secret.of("s3cr3t", true);
    assertThat(HourlyToken.compute(secret, "heapdump", Instant.parse("2026-11-22T01:37:00Z")))
        .isEqualTo("a25adbc8cee2c3f1586bbcce72ec0d3ce781bea6a9796fc0a76437872059902b");
  }

  @Test
  void escapesScopeExactlyLikeJsonStringify() {
    Secret secret = Secret.of(STRONG, false);
    String scope = "orders \"svc\" \\ é";
    Instant at = Instant.parse("2026-11-22T23:59:59.999Z");
    assertThat(HourlyToken.message(HourlyToken.hourStart(at), scope))
        .isEqualTo(
            "{\"date\":\"2026-11-22T23:00:00.000Z\",\"value\":\"orders \\\"svc\\\" \\\\ é\"}");
    assertThat(HourlyToken.compute(secret, scope, at))
        .isEqualTo("500fe3ce2988d797d880188e41840c499a3488027c4dce916f2f415bb4b14b79");
  }

  @Test
  void messageUsesStartOfUtcHourWithMillis() {
    assertThat(HourlyToken.message(Instant.parse("2026-11-22T01:00:00Z"), "heapdump"))
        .isEqualTo("{\"date\":\"2026-11-22T01:00:00.000Z\",\"value\":\"heapdump\"}");
  }

  @Test
  void everyInstantInAnHourGivesTheSameTokenAndTheNextHourAnother() {
    Secret secret = Secret.of(STRONG, false);
    String first = HourlyToken.compute(secret, "heapdump", Instant.parse("2026-11-22T01:00:00Z"));
    String last =
        HourlyToken.compute(secret, "heapdump", Instant.parse("2026-11-22T01:59:59.999Z"));
    String next = HourlyToken.compute(secret, "heapdump", Instant.parse("2026-11-22T02:00:00Z"));
    assertThat(first).isEqualTo(last).isNotEqualTo(next).hasSize(64).matches("[0-9a-f]{64}");
  }

  @Test
  void controlCharactersInScopeAreEscapedAsUnicode() {
    assertThat(HourlyToken.message(Instant.parse("2026-11-22T01:00:00Z"), "a\u0001b\n"))
        .endsWith("\"value\":\"a\\u0001b\\n\"}");
  }
}
