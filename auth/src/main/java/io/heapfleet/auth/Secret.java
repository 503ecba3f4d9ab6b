package io.heapfleet.auth;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The shared secret behind every hourly token. The HMAC key is the UTF-8 bytes of the secret
 * string, exactly as the original Node one-liner used it.
 *
 * <p>The value never leaves this class except as key bytes: {@link #toString()} is redacted so that
 * a secret which ends up in a log line or exception message by accident says nothing. Instances are
 * immutable and thread-safe.
 */
public final class Secret {

  /** Secrets shorter than this many UTF-8 bytes are refused unless weak secrets are allowed. */
  public static final int MIN_BYTES = 32;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final byte[] key;

  private Secret(byte[] key) {
    this.key = key;
  }

  /**
   * Makes a secret from its string form.
   *
   * @param value the secret, used as UTF-8 bytes; surrounding whitespace is not trimmed here
   * @param allowWeak accept a secret shorter than {@link #MIN_BYTES} (legacy deployments)
   * @throws SecretException if the secret is empty, or too short and weak secrets are not allowed
   */
  public static Secret of(String value, boolean allowWeak) {
    if (value == null || value.isEmpty()) {
      throw new SecretException("the secret is empty");
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    if (bytes.length < MIN_BYTES && !allowWeak) {
      int length = bytes.length;
      Arrays.fill(bytes, (byte) 0);
      throw new SecretException(
          "the secret is too weak: "
              + length
              + " bytes, at least "
              + MIN_BYTES
              + " are required (make one with `heapfleet token --new-secret`, or allow a weak"
              + " secret explicitly)");
    }
    return new Secret(bytes);
  }

  /**
   * Generates a fresh random secret: 256 random bits written as 64 lowercase hex characters. The
   * hex string itself is the secret (its UTF-8 bytes are the HMAC key).
   */
  public static String generate() {
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    char[] out = new char[64];
    for (int i = 0; i < random.length; i++) {
      out[2 * i] = HEX[(random[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[random[i] & 0xf];
    }
    return new String(out);
  }

  /** The HMAC key (a copy; callers may clear it). */
  byte[] keyBytes() {
    return key.clone();
  }

  /** The length of the key in bytes. */
  public int length() {
    return key.length;
  }

  /** Whether this secret is shorter than {@link #MIN_BYTES}. */
  public boolean isWeak() {
    return key.length < MIN_BYTES;
  }

  @Override
  public String toString() {
    return "Secret[redacted, " + key.length + " bytes]";
  }
}
