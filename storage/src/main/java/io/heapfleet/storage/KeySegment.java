package io.heapfleet.storage;

import java.nio.charset.StandardCharsets;

/**
 * Encodes one id (cluster, service, task id) as one S3 key segment, reversibly.
 *
 * <p>Rule: the characters {@code A-Z a-z 0-9 - .} and {@code _} (not first) pass through; every
 * other byte of the UTF-8 form is written {@code %XX} (upper-case hex), so {@code /} can never
 * split a segment, and keys stay in the set S3 documents as safe. A leading {@code _} is encoded
 * because names starting with {@code _} are reserved for heapfleet ({@code _tasks/} index, the
 * {@code _} placeholder for unknown cluster/service). {@code .} and {@code ..} are encoded as
 * {@code %2E} / {@code %2E%2E} so no tool can read them as relative paths. Ids are limited to 255
 * UTF-8 bytes. Stateless and thread-safe.
 */
public final class KeySegment {
  /** Placeholder segment for an unknown cluster or service. */
  public static final String UNKNOWN = "_";

  /** Longest id accepted, in UTF-8 bytes. */
  public static final int MAX_ID_BYTES = 255;

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private KeySegment() {}

  /** Encodes {@code id}; {@code what} names it in errors ("task id"). */
  public static String encode(String id, String what) {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_ID_BYTES) {
      throw new IllegalArgumentException(
          what + " is " + bytes.length + " bytes long; at most " + MAX_ID_BYTES + " allowed");
    }
    if (id.equals(".") || id.equals("..")) {
      return id.replace(".", "%2E");
    }
    StringBuilder sb = new StringBuilder(bytes.length + 8);
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xff;
      boolean plain =
          (b >= 'A' && b <= 'Z')
              || (b >= 'a' && b <= 'z')
              || (b >= '0' && b <= '9')
              || b == '-'
              || b == '.'
              || (b == '_' && i > 0);
      if (plain) {
        sb.append((char) b);
      } else {
        sb.append('%').append(HEX[b >> 4]).append(HEX[b & 0xf]);
      }
    }
    return sb.toString();
  }

  /** Encodes an optional id: {@code null}/empty becomes the {@link #UNKNOWN} placeholder. */
  public static String encodeOrUnknown(String id, String what) {
    return id == null || id.isEmpty() ? UNKNOWN : encode(id, what);
  }

  /** Decodes a segment written by {@link #encode}; {@link #UNKNOWN} decodes to {@code null}. */
  public static String decode(String segment) {
    if (segment.equals(UNKNOWN)) {
      return null;
    }
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    byte[] out = new byte[segment.length()];
    int n = 0;
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '%') {
        if (i + 2 >= segment.length()) {
          throw new IllegalArgumentException("bad escape at offset " + i + " in '" + segment + "'");
        }
        int hi = Character.digit(segment.charAt(i + 1), 16);
        int lo = Character.digit(segment.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("bad escape at offset " + i + " in '" + segment + "'");
        }
        out[n++] = (byte) ((hi << 4) | lo);
        i += 2;
      } else {
        out[n++] = (byte) c;
      }
    }
    return new String(out, 0, n, StandardCharsets.UTF_8);
  }
}
