package io.heapfleet.auth;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The hourly token: lowercase hex of HMAC-SHA256 over {@code {"date":"<start of the UTC
 * hour>","value":"<scope>"}}, keyed with the UTF-8 bytes of the shared secret.
 *
 * <p>The message is byte-for-byte what the original Node one-liner {@code JSON.stringify({date:
 * moment.utc().startOf('hour').toISOString(), value})} produces, so tokens made either way are
 * interchangeable. Stateless and thread-safe.
 */
public final class HourlyToken {

  /** The scope used when none is configured. */
  public static final String DEFAULT_SCOPE = "heapdump";

  /** Length of a token: 32 bytes of HMAC-SHA256 as hex. */
  public static final int LENGTH = 64;

  // moment's toISOString(): always UTC, always milliseconds, always 'Z'.
  private static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private HourlyToken() {}

  /** The token for the UTC hour that contains {@code at}. */
  public static String compute(Secret secret, String scope, Instant at) {
    return Hmacs.hex(secret, message(hourStart(at), scope));
  }

  /** The start of the UTC hour that contains {@code at}. */
  public static Instant hourStart(Instant at) {
    return at.truncatedTo(ChronoUnit.HOURS);
  }

  /** The exact message that is signed for the hour starting at {@code hourStart}. */
  public static String message(Instant hourStart, String scope) {
    if (scope == null) {
      throw new IllegalArgumentException("scope must not be null");
    }
    StringBuilder sb = new StringBuilder(64 + scope.length());
    sb.append("{\"date\":\"").append(ISO_MILLIS.format(hourStart)).append("\",\"value\":\"");
    MiniJson.appendEscaped(sb, scope);
    return sb.append("\"}").toString();
  }
}
