package io.heapfleet.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.airlift.compress.zstd.ZstdInputStream;
import io.heapfleet.auth.Compression;
import io.heapfleet.auth.HourlyToken;
import io.heapfleet.auth.Secret;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.zip.GZIPInputStream;

/** Shared test helpers: the test secret, tokens, and an HPROF header check on real bytes. */
public final class TestSupport {

  public static final String SECRET_TEXT = "correct-horse-battery-staple-0123456789";
  public static final Secret SECRET = Secret.of(SECRET_TEXT, false);

  private TestSupport() {}

  /** The token for now, computed as `heapfleet token` does. */
  public static String token() {
    return HourlyToken.compute(SECRET, HourlyToken.DEFAULT_SCOPE, Instant.now());
  }

  /** A well-formed token made with another secret. */
  public static String wrongToken() {
    return HourlyToken.compute(
        Secret.of("another-secret-that-is-long-enough-000", false),
        HourlyToken.DEFAULT_SCOPE,
        Instant.now());
  }

  /** Decodes a dump body of the given format. */
  public static InputStream decode(InputStream body, Compression format) throws IOException {
    switch (format) {
      case GZIP:
        return new GZIPInputStream(body, 64 * 1024);
      case ZSTD:
        return new ZstdInputStream(body);
      default:
        return body;
    }
  }

  /**
   * Reads the HPROF header ("JAVA PROFILE 1.0.2\0", u4 identifier size, u8 millis) and the first
   * record tag, and reads the rest to the end; returns the total decoded length.
   */
  public static long assertHprof(InputStream decoded) throws IOException {
    DataInputStream in = new DataInputStream(decoded);
    byte[] magic = new byte[19];
    in.readFully(magic);
    assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("JAVA PROFILE 1.0.2\0");
    int idSize = in.readInt();
    assertThat(idSize).isIn(4, 8);
    long millis = in.readLong();
    assertThat(Instant.ofEpochMilli(millis))
        .isBetween(Instant.now().minusSeconds(600), Instant.now().plusSeconds(60));
    int tag = in.readUnsignedByte();
    // Every HotSpot dump starts with UTF8 string records (0x01) after the header.
    assertThat(tag).isEqualTo(0x01);
    long total = 19 + 4 + 8 + 1;
    byte[] buf = new byte[64 * 1024];
    int n;
    // Not "> 0": a decoder may legitimately return 0 at a frame boundary.
    while ((n = in.read(buf)) != -1) {
      total += n;
    }
    return total;
  }
}
