package io.heapfleet.collector.discovery;

/**
 * Text that came from outside (an endpoint's id, message or error body, a URL) made safe for one
 * log line: control characters (CR, LF, ESC, ...) become {@code \xNN}, and it is cut at {@link
 * #MAX_LENGTH} characters, so an endpoint cannot forge or flood the collector's log. Every log line
 * of the collector that carries such text passes it through here. Stateless.
 */
public final class LogSafe {

  /** Longest text kept, in characters. */
  public static final int MAX_LENGTH = 512;

  private LogSafe() {}

  /** {@code value} (its {@code toString()}) escaped and cut as described on the class. */
  public static String text(Object value) {
    String s = String.valueOf(value);
    StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX_LENGTH) + 16);
    for (int i = 0; i < s.length(); i++) {
      if (sb.length() >= MAX_LENGTH) {
        sb.append("...(").append(s.length()).append(" chars)");
        break;
      }
      char c = s.charAt(i);
      if (Character.isISOControl(c)) {
        sb.append(String.format("\\x%02x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
