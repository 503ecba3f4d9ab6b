package io.heapfleet.collector.dashboard;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The dashboard's login cookie, so a browser (which cannot add an {@code Authorization} header to
 * page loads and links) can use a token-protected dashboard. After a person types the API token
 * into the login form once, the cookie carries {@code <expiry epoch seconds>.<hex HMAC-SHA256(key =
 * API token, "heapfleet-dashboard:" + expiry)>}: it proves knowledge of the token without
 * containing it, expires after {@link #LIFETIME}, and stops working when the token changes.
 * Stateless and thread-safe.
 */
public final class DashboardSession {
  /** The cookie's name. */
  public static final String COOKIE = "heapfleet_dashboard";

  /** How long a login lasts. */
  public static final Duration LIFETIME = Duration.ofHours(12);

  private DashboardSession() {}

  /** A cookie value for {@code token}, valid from {@code now} for {@link #LIFETIME}. */
  public static String mint(String token, Instant now) {
    long expires = now.plus(LIFETIME).getEpochSecond();
    return expires + "." + mac(token, expires);
  }

  /**
   * Whether {@code value} is a cookie minted for {@code token} that has not expired at {@code now}.
   */
  public static boolean valid(String value, String token, Instant now) {
    if (value == null || token == null || token.isEmpty()) {
      return false;
    }
    int dot = value.indexOf('.');
    if (dot <= 0 || dot > 19) {
      return false;
    }
    long expires;
    try {
      expires = Long.parseLong(value.substring(0, dot));
    } catch (NumberFormatException e) {
      return false;
    }
    if (now.getEpochSecond() >= expires
        || expires > now.plus(LIFETIME).plusSeconds(60).getEpochSecond()) {
      return false;
    }
    return MessageDigest.isEqual(
        value.substring(dot + 1).getBytes(StandardCharsets.US_ASCII),
        mac(token, expires).getBytes(StandardCharsets.US_ASCII));
  }

  private static String mac(String token, long expires) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of()
          .formatHex(
              mac.doFinal(("heapfleet-dashboard:" + expires).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
