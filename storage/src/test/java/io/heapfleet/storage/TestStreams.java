package io.heapfleet.storage;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Deterministic pseudo-random byte streams for upload tests, optionally failing mid-way. */
final class TestStreams {
  private TestStreams() {}

  /** {@code length} pseudo-random bytes from {@code seed}; throws after {@code failAfter} bytes. */
  static InputStream random(long seed, long length, long failAfter) {
    return new InputStream() {
      final SplittableRandom random = new SplittableRandom(seed);
      long pos;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (pos >= failAfter) {
          throw new IOException("source failed at byte " + pos + " (test)");
        }
        if (pos >= length) {
          return -1;
        }
        int n = (int) Math.min(len, Math.min(length - pos, failAfter - pos));
        for (int i = 0; i < n; i++) {
          b[off + i] = (byte) random.nextInt(256);
        }
        pos += n;
        return n;
      }
    };
  }

  static InputStream random(long seed, long length) {
    return random(seed, length, Long.MAX_VALUE);
  }

  static String sha256(long seed, long length) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (InputStream in = random(seed, length)) {
      byte[] buf = new byte[65536];
      int n;
      while ((n = in.read(buf)) >= 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
