package io.heapfleet.analysis.json;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A tiny streaming JSON writer with two-space indentation, enough for the analysis documents (no
 * dependency on a JSON library keeps the analysis module a leaf). Not thread-safe.
 */
final class JsonWriter {
  private final Appendable out;
  private int depth;
  private boolean first = true;
  private boolean afterName;

  JsonWriter(Appendable out) {
    this.out = out;
  }

  JsonWriter beginObject() {
    value("{");
    depth++;
    first = true;
    return this;
  }

  JsonWriter endObject() {
    return end("}");
  }

  JsonWriter beginArray() {
    value("[");
    depth++;
    first = true;
    return this;
  }

  JsonWriter endArray() {
    return end("]");
  }

  private JsonWriter end(String bracket) {
    depth--;
    if (!first) {
      newline();
    }
    raw(bracket);
    first = false;
    return this;
  }

  JsonWriter name(String name) {
    separator();
    raw(quote(name));
    raw(": ");
    afterName = true;
    return this;
  }

  JsonWriter value(String s) {
    if (!afterName) {
      separator();
    }
    afterName = false;
    raw(s);
    first = false;
    return this;
  }

  JsonWriter string(String s) {
    return value(s == null ? "null" : quote(s));
  }

  JsonWriter number(long n) {
    return value(Long.toString(n));
  }

  JsonWriter number(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return value("null");
    }
    // Round to 4 significant decimals for readability; machines get plenty of precision.
    double rounded = Math.round(d * 10_000.0) / 10_000.0;
    if (rounded == Math.rint(rounded) && Math.abs(rounded) < 1e15) {
      return value(Long.toString((long) rounded));
    }
    // Plain notation (no exponent) reads better for bytes/hour: 19987326285.3666, not 1.99E10.
    return value(java.math.BigDecimal.valueOf(rounded).stripTrailingZeros().toPlainString());
  }

  JsonWriter field(String name, String value) {
    return name(name).string(value);
  }

  JsonWriter field(String name, long value) {
    return name(name).number(value);
  }

  JsonWriter field(String name, double value) {
    return name(name).number(value);
  }

  private void separator() {
    if (depth == 0) {
      return;
    }
    if (!first) {
      raw(",");
    }
    newline();
  }

  private void newline() {
    raw("\n");
    raw("  ".repeat(depth));
  }

  private void raw(String s) {
    try {
      out.append(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
