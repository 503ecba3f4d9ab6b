package io.heapfleet.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.util.encoders.Hex;

/** HMAC-SHA256 with the shared secret, as lowercase hex; constant-time comparison. Stateless. */
final class Hmacs {

  private Hmacs() {}

  /** Lowercase hex of HMAC-SHA256(key = the secret's UTF-8 bytes, the UTF-8 bytes of message). */
  static String hex(Secret secret, String message) {
    byte[] key = secret.keyBytes();
    try {
      HMac mac = new HMac(new SHA256Digest());
      mac.init(new KeyParameter(key));
      byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
      mac.update(bytes, 0, bytes.length);
      byte[] out = new byte[mac.getMacSize()];
      mac.doFinal(out, 0);
      return Hex.toHexString(out);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /**
   * Whether {@code presented} equals {@code expected}, in time independent of where they differ.
   */
  static boolean equal(String expected, String presented) {
    if (presented == null) {
      return false;
    }
    return MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII),
        presented.getBytes(StandardCharsets.US_ASCII));
  }

  /** Whether {@code s} is {@code min..max} lowercase hex characters. */
  static boolean isLowerHex(String s, int min, int max) {
    if (s == null || s.length() < min || s.length() > max) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
