package io.heapfleet.endpoint;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The one grammar for durations people type, in agent settings and on the command line: a whole
 * number with a unit ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 7d}), a bare
 * number of seconds ({@code 30}), or ISO-8601 ({@code PT1M}). Never negative. Callers check their
 * own ranges and may put their own words around the error. Stateless, thread-safe.
 */
public final class DurationText {
  /** Examples of the grammar, for error messages. */
  public static final String EXAMPLES = "e.g. 500ms, 30s, 5m, 1h, 7d or PT1M";

  private DurationText() {}

  /**
   * The duration {@code text} names.
   *
   * @throws IllegalArgumentException naming the text when it is not a duration or is negative
   */
  public static Duration parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    Duration d;
    try {
      if (t.startsWith("p")) {
        d = Duration.parse(t.toUpperCase(Locale.ROOT));
      } else {
        int unitAt = 0;
        while (unitAt < t.length() && Character.isDigit(t.charAt(unitAt))) {
          unitAt++;
        }
        d = ofUnit(Long.parseLong(t.substring(0, unitAt)), t.substring(unitAt));
      }
    } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is not a duration (" + EXAMPLES + ")");
    }
    if (d.isNegative()) {
      throw new IllegalArgumentException("'" + text + "' is negative");
    }
    return d;
  }

  // The agent is built for Java 11: no switch expressions here.
  private static Duration ofUnit(long n, String unit) {
    switch (unit) {
      case "":
      case "s":
        return Duration.ofSeconds(n);
      case "ms":
        return Duration.ofMillis(n);
      case "m":
        return Duration.ofMinutes(n);
      case "h":
        return Duration.ofHours(n);
      case "d":
        return Duration.ofDays(n);
      default:
        throw new NumberFormatException();
    }
  }
}
