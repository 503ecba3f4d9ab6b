package io.heapfleet.analysis.v8;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small pull tokenizer over a JSON byte stream, made for V8 heap snapshots: it never holds more
 * than its read buffer of the input, reads the huge flat integer arrays ({@code nodes}, {@code
 * edges}) one number at a time without allocating, and decodes only the strings a caller asks for
 * (the others are skipped). Every error is a {@link HeapSnapshotFormatException} naming the offset
 * reached. Longer than most classes because JSON's lexical rules (strings with escapes and UTF-8,
 * numbers, literals, skipping nested values) belong together. Not thread-safe.
 */
final class JsonTokenizer {
  static final int BUFFER_SIZE = 1 << 20;
  private static final int MAX_SKIP_DEPTH = 1000;

  private final InputStream in;
  private final byte[] buf = new byte[BUFFER_SIZE];
  private int pos;
  private int limit;
  private long base; // offset of buf[0] in the stream
  private char[] chars = new char[256];

  JsonTokenizer(InputStream in) {
    this.in = in;
  }

  /** Offset of the next unread byte. */
  long offset() {
    return base + pos;
  }

  HeapSnapshotFormatException error(String message) {
    return new HeapSnapshotFormatException(offset(), message);
  }

  private HeapSnapshotFormatException endOfInput(String expected) {
    return error("Unexpected end of input: " + expected + " expected");
  }

  /** Refills the buffer; false at the end of the input. */
  private boolean fill() throws IOException {
    base += limit;
    pos = 0;
    limit = 0;
    while (true) {
      int n;
      try {
        n = in.read(buf, 0, buf.length);
      } catch (HeapSnapshotFormatException e) {
        throw e;
      } catch (IOException e) {
        // a corrupt or truncated gzip stream, or a failing disk: say where the JSON was
        throw new HeapSnapshotFormatException(
            offset(),
            "Cannot read the input: " + e.getClass().getSimpleName() + ": " + e.getMessage(),
            e);
      }
      if (n < 0) {
        return false;
      }
      if (n > 0) {
        limit = n;
        return true;
      }
    }
  }

  /** The next byte that is not whitespace, without consuming it; -1 at the end of the input. */
  int peek() throws IOException {
    while (true) {
      while (pos < limit) {
        byte b = buf[pos];
        if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
          return b & 0xFF;
        }
        pos++;
      }
      if (!fill()) {
        return -1;
      }
    }
  }

  /** Consumes {@code c} (after whitespace) or fails naming what was expected. */
  void expect(char c, String what) throws IOException {
    int b = peek();
    if (b == -1) {
      throw endOfInput("'" + c + "' " + what);
    }
    if (b != c) {
      throw error("Expected '" + c + "' " + what + " but found " + describe(b));
    }
    pos++;
  }

  /** Consumes {@code c} if it is the next non-whitespace byte. */
  boolean consumeIf(char c) throws IOException {
    if (peek() == c) {
      pos++;
      return true;
    }
    return false;
  }

  /**
   * After an array element: consumes ',' (returns true, more follow) or ']' (returns false).
   *
   * @param what the array, for the error message
   */
  boolean nextInArray(String what) throws IOException {
    int b = peek();
    if (b == ',') {
      pos++;
      return true;
    }
    if (b == ']') {
      pos++;
      return false;
    }
    if (b == -1) {
      throw endOfInput("',' or ']' in " + what);
    }
    throw error("Expected ',' or ']' in " + what + " but found " + describe(b));
  }

  /** After an object member: consumes ',' (true) or '}' (false). */
  boolean nextInObject(String what) throws IOException {
    int b = peek();
    if (b == ',') {
      pos++;
      return true;
    }
    if (b == '}') {
      pos++;
      return false;
    }
    if (b == -1) {
      throw endOfInput("',' or '}' in " + what);
    }
    throw error("Expected ',' or '}' in " + what + " but found " + describe(b));
  }

  /**
   * Reads a non-negative integer of at most 32 bits (V8's node and edge values), as a long. The hot
   * loop of the reader: digits are parsed straight from the buffer.
   */
  long readUnsigned32(String what) throws IOException {
    int b = peek();
    if (b < '0' || b > '9') {
      if (b == -1) {
        throw endOfInput("a number in " + what);
      }
      throw error("Expected a non-negative integer in " + what + " but found " + describe(b));
    }
    long value = 0;
    int digits = 0;
    while (true) {
      byte[] bb = buf;
      int p = pos;
      int end = limit;
      while (p < end) {
        int d = bb[p] - '0';
        if (d < 0 || d > 9) {
          pos = p;
          return finishNumber(value, digits, what);
        }
        value = value * 10 + d;
        if (++digits > 10) {
          pos = p;
          throw error("Number too large in " + what + " (more than 32 bits)");
        }
        p++;
      }
      pos = p;
      if (!fill()) {
        return finishNumber(value, digits, what);
      }
    }
  }

  private long finishNumber(long value, int digits, String what) throws IOException {
    if (value > 0xFFFF_FFFFL) {
      throw error("Number too large in " + what + ": " + value + " (more than 32 bits)");
    }
    if (pos < limit) {
      byte b = buf[pos];
      if (b == '.' || b == 'e' || b == 'E') {
        throw error("Expected an integer in " + what + " but found a fraction or exponent");
      }
    }
    return value;
  }

  /** Reads a JSON string, at most {@code maxChars} UTF-16 chars long. */
  String readString(int maxChars, String what) throws IOException {
    expect('"', "to start " + what);
    int n = 0;
    while (true) {
      if (pos == limit && !fill()) {
        throw endOfInput("the end of " + what);
      }
      int b = buf[pos++] & 0xFF;
      if (b == '"') {
        return new String(chars, 0, n);
      }
      int c;
      if (b == '\\') {
        c = escape(what);
      } else if (b < 0x20) {
        pos--;
        throw error("Control character " + describe(b) + " inside " + what);
      } else if (b < 0x80) {
        c = b;
      } else {
        c = utf8(b, what);
      }
      if (n + 2 > chars.length) {
        chars = java.util.Arrays.copyOf(chars, Math.max(n + 2, Math.min(maxChars + 2, n * 2)));
      }
      if (c > 0xFFFF) {
        chars[n++] = Character.highSurrogate(c);
        chars[n++] = Character.lowSurrogate(c);
      } else {
        chars[n++] = (char) c;
      }
      if (n > maxChars) {
        throw error(what + " is longer than " + maxChars + " characters");
      }
    }
  }

  /** Skips a JSON string without decoding it (escapes are honoured, their content not checked). */
  void skipString(String what) throws IOException {
    expect('"', "to start " + what);
    while (true) {
      if (pos == limit && !fill()) {
        throw endOfInput("the end of " + what);
      }
      byte[] bb = buf;
      int p = pos;
      int end = limit;
      while (p < end) {
        byte b = bb[p++];
        if (b == '"') {
          pos = p;
          return;
        }
        if (b == '\\') {
          if (p == end) {
            pos = p;
            if (!fill()) {
              throw endOfInput("an escape in " + what);
            }
            p = pos;
            end = limit;
            bb = buf;
          }
          p++;
        } else if ((b & 0xFF) < 0x20) {
          pos = p - 1;
          throw error("Control character " + describe(b & 0xFF) + " inside " + what);
        }
      }
      pos = p;
    }
  }

  private int next(String what) throws IOException {
    if (pos == limit && !fill()) {
      throw endOfInput("more of " + what);
    }
    return buf[pos++] & 0xFF;
  }

  private int escape(String what) throws IOException {
    int e = next(what);
    switch (e) {
      case '"':
        return '"';
      case '\\':
        return '\\';
      case '/':
        return '/';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u':
        int v = 0;
        for (int i = 0; i < 4; i++) {
          int h = Character.digit(next(what), 16);
          if (h < 0) {
            throw error("Bad \\u escape in " + what);
          }
          v = v * 16 + h;
        }
        return v; // lone surrogates are kept as they are, as JavaScript strings allow them
      default:
        throw error("Bad escape \\" + (char) e + " in " + what);
    }
  }

  private int utf8(int b, String what) throws IOException {
    int extra;
    int c;
    if ((b & 0xE0) == 0xC0) {
      extra = 1;
      c = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      extra = 2;
      c = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      extra = 3;
      c = b & 0x07;
    } else {
      throw error("Invalid UTF-8 byte " + describe(b) + " in " + what);
    }
    for (int i = 0; i < extra; i++) {
      int k = next(what);
      if ((k & 0xC0) != 0x80) {
        throw error("Invalid UTF-8 continuation byte " + describe(k) + " in " + what);
      }
      c = (c << 6) | (k & 0x3F);
    }
    if (c > 0x10FFFF) {
      throw error("Invalid UTF-8 code point in " + what);
    }
    return c;
  }

  /**
   * Reads any small JSON value into maps, lists, strings, {@code Long}/{@code Double} and {@code
   * Boolean} ({@code null} for null), for the snapshot's {@code meta}. {@code budget[0]} is the
   * number of values still allowed; a document that spends it is refused (the meta has a few
   * dozen).
   */
  Object readValue(int depth, int[] budget, String what) throws IOException {
    if (--budget[0] < 0) {
      throw error(what + " is too large for a snapshot header");
    }
    if (depth > 32) {
      throw error(what + " nests too deeply");
    }
    int b = peek();
    switch (b) {
      case -1:
        throw endOfInput("a value in " + what);
      case '{':
        {
          pos++;
          Map<String, Object> m = new LinkedHashMap<>();
          if (consumeIf('}')) {
            return m;
          }
          do {
            String key = readString(1024, "a key in " + what);
            expect(':', "after the key \"" + key + "\" in " + what);
            m.put(key, readValue(depth + 1, budget, what));
          } while (nextInObject(what));
          return m;
        }
      case '[':
        {
          pos++;
          List<Object> l = new ArrayList<>();
          if (consumeIf(']')) {
            return l;
          }
          do {
            l.add(readValue(depth + 1, budget, what));
          } while (nextInArray(what));
          return l;
        }
      case '"':
        return readString(4096, "a string in " + what);
      case 't':
        literal("true", what);
        return Boolean.TRUE;
      case 'f':
        literal("false", what);
        return Boolean.FALSE;
      case 'n':
        literal("null", what);
        return null;
      default:
        if (b == '-' || (b >= '0' && b <= '9')) {
          return readNumber(what);
        }
        throw error("Expected a JSON value in " + what + " but found " + describe(b));
    }
  }

  private void literal(String word, String what) throws IOException {
    for (int i = 0; i < word.length(); i++) {
      if (next(what) != word.charAt(i)) {
        pos--;
        throw error("Expected " + word + " in " + what);
      }
    }
  }

  private Object readNumber(String what) throws IOException {
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (pos == limit && !fill()) {
        break;
      }
      int b = buf[pos] & 0xFF;
      if ((b >= '0' && b <= '9') || b == '-' || b == '+' || b == '.' || b == 'e' || b == 'E') {
        if (sb.length() > 40) {
          throw error("Number too long in " + what);
        }
        sb.append((char) b);
        pos++;
      } else {
        break;
      }
    }
    String s = sb.toString();
    try {
      if (s.indexOf('.') < 0 && s.indexOf('e') < 0 && s.indexOf('E') < 0) {
        return Long.parseLong(s);
      }
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw error("Bad number '" + s + "' in " + what);
    }
  }

  /**
   * Skips any JSON value (sections the analysis does not use, such as {@code trace_tree} and {@code
   * samples}) without building it; nesting is bounded.
   */
  void skipValue(String what) throws IOException {
    boolean[] isObject = new boolean[MAX_SKIP_DEPTH];
    int depth = 0;
    while (true) {
      int b = peek();
      if (b == '{' || b == '[') {
        pos++;
        if (depth == MAX_SKIP_DEPTH) {
          throw error(what + " nests more than " + MAX_SKIP_DEPTH + " levels deep");
        }
        boolean object = b == '{';
        isObject[depth++] = object;
        if (!consumeIf(object ? '}' : ']')) {
          if (object) {
            skipString("a key in " + what);
            expect(':', "after a key in " + what);
          }
          continue; // a value follows
        }
        depth--;
      } else if (b == '"') {
        skipString("a string in " + what);
      } else if (b == 't') {
        literal("true", what);
      } else if (b == 'f') {
        literal("false", what);
      } else if (b == 'n') {
        literal("null", what);
      } else if (b == '-' || (b >= '0' && b <= '9')) {
        readNumber(what);
      } else if (b == -1) {
        throw endOfInput("a value in " + what);
      } else {
        throw error("Expected a JSON value in " + what + " but found " + describe(b));
      }
      // a value is complete: close containers until one has another member
      while (true) {
        if (depth == 0) {
          return;
        }
        boolean object = isObject[depth - 1];
        if (object ? nextInObject(what) : nextInArray(what)) {
          if (object) {
            skipString("a key in " + what);
            expect(':', "after a key in " + what);
          }
          break;
        }
        depth--;
      }
    }
  }

  /** True if only whitespace is left. */
  boolean atEnd() throws IOException {
    return peek() == -1;
  }

  static String describe(int b) {
    if (b >= 0x21 && b < 0x7F) {
      return "'" + (char) b + "'";
    }
    return String.format("byte 0x%02x", b);
  }
}
