package io.heapfleet.auth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent side's JSON, with no library: the javaagent and this module must stay dependency-free.
 * It writes strings escaped exactly like ECMAScript's {@code JSON.stringify} ({@code "} and {@code
 * \} escaped, {@code \b \f \n \r \t} in short form, other control characters and lone surrogates as
 * {@code \}{@code uXXXX}, everything else as is; the hourly token's signed message depends on this
 * matching the Node.js one-liner byte for byte), builds small one-line objects ({@link #object()}),
 * and reads the small documents the agent deals with (ECS task metadata, identity, trailer and
 * error bodies) into {@code Map<String,Object>} (field order kept), {@code List<Object>}, {@code
 * String}, {@code Long}/{@code Double}, {@code Boolean} and {@code null}. Java 11. The static
 * methods are stateless and thread-safe; a {@link Builder} is not.
 */
public final class MiniJson {
  /** Deeper documents are refused, so that hostile input cannot exhaust the stack. */
  private static final int MAX_DEPTH = 64;

  private final String s;
  private int pos;
  private int depth;

  private MiniJson(String s) {
    this.s = s;
  }

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

  /** A builder of one JSON object on one line: {@code {"a":"x","n":3}}. */
  public static Builder object() {
    return new Builder();
  }

  /**
   * Parses one JSON value.
   *
   * @throws IllegalArgumentException naming the offset when the text is not valid JSON
   */
  public static Object parse(String text) {
    MiniJson p = new MiniJson(text);
    p.skipWs();
    Object v = p.value();
    p.skipWs();
    if (p.pos != text.length()) {
      throw p.error("unexpected trailing content");
    }
    return v;
  }

  /** Parses a JSON object, failing if the text is another kind of value. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parseObject(String text) {
    Object v = parse(text);
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException("expected a JSON object");
    }
    return (Map<String, Object>) v;
  }

  /**
   * One JSON object on one line, fields in the order added, no whitespace (the form of the agent's
   * bodies and the token's message). Not thread-safe.
   */
  public static final class Builder {
    private final StringBuilder sb = new StringBuilder(64).append('{');

    private Builder() {}

    /** A string field; {@code null} is written as {@code null}. */
    public Builder field(String name, String value) {
      return name(name).append(quote(value));
    }

    public Builder field(String name, long value) {
      return name(name).append(Long.toString(value));
    }

    public Builder field(String name, boolean value) {
      return name(name).append(Boolean.toString(value));
    }

    /** A field whose value is already JSON text (a nested object or array). */
    public Builder rawField(String name, String json) {
      return name(name).append(json);
    }

    private Builder name(String name) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append(quote(name)).append(':');
      return this;
    }

    private Builder append(String text) {
      sb.append(text);
      return this;
    }

    /** The object's JSON text. */
    @Override
    public String toString() {
      return sb.toString() + '}';
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

  private Object value() {
    if (pos >= s.length()) {
      throw error("unexpected end of input");
    }
    char c = s.charAt(pos);
    switch (c) {
      case '{':
        return objectValue();
      case '[':
        return array();
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", null);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("unexpected character '" + c + "'");
    }
  }

  private Map<String, Object> objectValue() {
    enter();
    Map<String, Object> map = new LinkedHashMap<>();
    pos++;
    skipWs();
    if (peek() == '}') {
      pos++;
      depth--;
      return map;
    }
    while (true) {
      skipWs();
      if (peek() != '"') {
        throw error("expected a string key");
      }
      String key = string();
      skipWs();
      expect(':');
      skipWs();
      map.put(key, value());
      skipWs();
      char c = next();
      if (c == '}') {
        depth--;
        return map;
      }
      if (c != ',') {
        throw error("expected ',' or '}'");
      }
    }
  }

  private List<Object> array() {
    enter();
    List<Object> list = new ArrayList<>();
    pos++;
    skipWs();
    if (peek() == ']') {
      pos++;
      depth--;
      return list;
    }
    while (true) {
      skipWs();
      list.add(value());
      skipWs();
      char c = next();
      if (c == ']') {
        depth--;
        return list;
      }
      if (c != ',') {
        throw error("expected ',' or ']'");
      }
    }
  }

  private String string() {
    pos++;
    StringBuilder sb = new StringBuilder();
    while (true) {
      char c = next();
      if (c == '"') {
        return sb.toString();
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      char e = next();
      switch (e) {
        case '"':
        case '\\':
        case '/':
          sb.append(e);
          break;
        case 'b':
          sb.append('\b');
          break;
        case 'f':
          sb.append('\f');
          break;
        case 'n':
          sb.append('\n');
          break;
        case 'r':
          sb.append('\r');
          break;
        case 't':
          sb.append('\t');
          break;
        case 'u':
          if (pos + 4 > s.length()) {
            throw error("truncated \\u escape");
          }
          try {
            sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
          } catch (NumberFormatException ex) {
            throw error("bad \\u escape");
          }
          pos += 4;
          break;
        default:
          throw error("bad escape '\\" + e + "'");
      }
    }
  }

  private Object number() {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    boolean integral = true;
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c >= '0' && c <= '9') {
        pos++;
      } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
        integral = false;
        pos++;
      } else {
        break;
      }
    }
    String text = s.substring(start, pos);
    try {
      return integral ? (Object) Long.parseLong(text) : (Object) Double.parseDouble(text);
    } catch (NumberFormatException e) {
      pos = start;
      throw error("bad number '" + text + "'");
    }
  }

  private Object literal(String word, Object value) {
    if (!s.startsWith(word, pos)) {
      throw error("unexpected token");
    }
    pos += word.length();
    return value;
  }

  private void enter() {
    if (++depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH);
    }
  }

  private void expect(char c) {
    if (next() != c) {
      pos--;
      throw error("expected '" + c + "'");
    }
  }

  private char peek() {
    if (pos >= s.length()) {
      throw error("unexpected end of input");
    }
    return s.charAt(pos);
  }

  private char next() {
    char c = peek();
    pos++;
    return c;
  }

  private void skipWs() {
    while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
      pos++;
    }
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("invalid JSON at offset " + pos + ": " + what);
  }
}
