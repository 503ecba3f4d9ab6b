package io.heapfleet.auth;

/**
 * JSON string escaping exactly like ECMAScript's {@code JSON.stringify}: {@code "} and {@code \}
 * escaped, {@code \b \f \n \r \t} in short form, other control characters and lone surrogates as
 * {@code \}{@code uXXXX}, everything else as is. The hourly token's signed message depends on this
 * matching the Node.js one-liner byte for byte; the agent endpoint reuses it for its JSON bodies
 * (one escaper, no JSON library in the javaagent). Java 11; stateless and thread-safe.
 */
public final class JsonStrings {
  private JsonStrings() {}

  /** {@code value} as a quoted JSON string literal, or {@code null} (unquoted) for null. */
  public static String quote(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
    appendEscaped(sb, value);
    return sb.append('"').toString();
  }

  /** Appends {@code s} escaped for use inside a JSON string literal (without the quotes). */
  public static void appendEscaped(StringBuilder sb, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\b':
          sb.append("\\b");
          break;
        case '\f':
          sb.append("\\f");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        default:
          if (c < 0x20 || isLoneSurrogate(s, i)) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
  }

  private static boolean isLoneSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
    }
    return false;
  }
}
