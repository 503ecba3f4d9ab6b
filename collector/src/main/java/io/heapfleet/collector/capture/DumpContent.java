package io.heapfleet.collector.capture;

import io.airlift.compress.zstd.ZstdInputStream;
import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.histogram.ClassHistograms;
import io.heapfleet.analysis.hprof.HprofLimits;
import io.heapfleet.analysis.v8.HeapSnapshots;
import io.heapfleet.analysis.v8.SnapshotLimits;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.zip.GZIPInputStream;

/**
 * Builds the class histogram of a dump arriving as a stream, whichever runtime wrote it: the kind
 * is read from the content, not trusted from the headers. An HPROF dump (JVM) starts {@code JAVA
 * PROFILE}; a V8 heap snapshot (Node.js) is JSON, {@code {} after optional whitespace. Either may
 * be plain, gzip or zstd. The kind the task announced (its {@code X-Heapdump-Runtime} header, which
 * also chose the storage key) must match what arrives, or the capture fails as a bad dump. Stateless
 * and thread-safe.
 */
final class DumpContent {
  /** How far the peek at the content may read ahead in the compressed stream. */
  private static final int PEEK_LIMIT = 1 << 20;

  private static final byte[] HPROF_MAGIC = "JAVA PROFILE".getBytes(StandardCharsets.US_ASCII);

  private DumpContent() {}

  /** The content is not the kind of dump the task announced, or no dump at all. */
  static final class WrongKindException extends IOException {
    private static final long serialVersionUID = 1L;

    WrongKindException(String message) {
      super(message);
    }
  }

  /** The decompressed snapshot passed the bound on its size. */
  static final class InflationException extends IOException {
    private static final long serialVersionUID = 1L;

    InflationException(String message) {
      super(message);
    }
  }

  /**
   * Reads {@code dump} to the end and returns its histogram.
   *
   * @param heapSnapshotAnnounced whether the task said it sends a V8 heap snapshot
   * @param taken when the dump was taken (a V8 snapshot does not record it)
   * @param hprof the reader limits for an HPROF dump (including its inflation bound)
   * @param maxSnapshotBytes the inflation bound for a V8 snapshot's JSON, if any
   */
  static ClassHistogram histogram(
      InputStream dump,
      boolean heapSnapshotAnnounced,
      Instant taken,
      HprofLimits hprof,
      OptionalLong maxSnapshotBytes)
      throws IOException {
    BufferedInputStream raw = new BufferedInputStream(dump, 1 << 16);
    boolean snapshot = isHeapSnapshot(raw);
    if (snapshot != heapSnapshotAnnounced) {
      throw new WrongKindException(
          heapSnapshotAnnounced
              ? "the task announced a V8 heap snapshot (X-Heapdump-Runtime: node) but sent an HPROF"
                  + " dump"
              : "the task announced an HPROF dump but sent a V8 heap snapshot");
    }
    if (!snapshot) {
      return ClassHistograms.of(raw, hprof);
    }
    InputStream json = decompressed(raw);
    if (maxSnapshotBytes.isPresent()) {
      json = new Bounded(json, maxSnapshotBytes.getAsLong());
    }
    return HeapSnapshots.histogram(json, taken, SnapshotLimits.DEFAULT);
  }

  /**
   * Whether the (decompressed) content starts like a V8 snapshot ({@code {}) rather than an HPROF
   * dump; the stream is reset to where it was.
   */
  private static boolean isHeapSnapshot(BufferedInputStream raw) throws IOException {
    // Read the magic first: its own mark would replace the peek's larger one.
    int kind = compression(raw);
    raw.mark(PEEK_LIMIT);
    byte[] head;
    try {
      InputStream peek = peekDecompressed(raw, kind);
      head = peek.readNBytes(64);
    } catch (IOException e) {
      throw new WrongKindException("the content is not a readable heap dump: " + e.getMessage());
    }
    raw.reset();
    int i = 0;
    while (i < head.length && isJsonSpace(head[i])) {
      i++;
    }
    if (i < head.length && head[i] == '{') {
      return true;
    }
    if (startsWith(head, HPROF_MAGIC)) {
      return false;
    }
    throw new WrongKindException(
        "the content is neither an HPROF dump (JAVA PROFILE) nor a V8 heap snapshot (JSON)"
            + (head.length == 0 ? ": it is empty" : ""));
  }

  /**
   * A decompressing view for the peek only: it must not close the stream, and reads at most one
   * compressed block (a zstd block is up to 128 KiB), well within the peek's mark.
   */
  private static InputStream peekDecompressed(BufferedInputStream raw, int kind)
      throws IOException {
    InputStream shielded =
        new FilterInputStream(raw) {
          @Override
          public void close() {
            // the peek never closes the capture's stream
          }
        };
    return switch (kind) {
      case 1 -> new GZIPInputStream(shielded, 512);
      case 2 -> new ZstdInputStream(shielded);
      default -> shielded;
    };
  }

  private static InputStream decompressed(BufferedInputStream raw) throws IOException {
    return switch (compression(raw)) {
      case 1 -> new GZIPInputStream(raw, 1 << 16);
      case 2 -> new ZstdInputStream(raw);
      default -> raw;
    };
  }

  /** 1 for gzip, 2 for zstd, 0 otherwise; does not consume. */
  private static int compression(BufferedInputStream raw) throws IOException {
    raw.mark(4);
    byte[] magic = raw.readNBytes(4);
    raw.reset();
    if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
      return 1;
    }
    if (magic.length == 4
        && (magic[0] & 0xff) == 0x28
        && (magic[1] & 0xff) == 0xb5
        && (magic[2] & 0xff) == 0x2f
        && (magic[3] & 0xff) == 0xfd) {
      return 2;
    }
    return 0;
  }

  private static boolean isJsonSpace(byte b) {
    return b == ' ' || b == '\n' || b == '\r' || b == '\t';
  }

  private static boolean startsWith(byte[] head, byte[] prefix) {
    if (head.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (head[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** Fails the read once more than {@code max} bytes have come through. */
  private static final class Bounded extends FilterInputStream {
    private final long max;
    private long count;

    Bounded(InputStream in, long max) {
      super(in);
      this.max = max;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(int n) throws InflationException {
      count += n;
      if (count > max) {
        throw new InflationException(
            "the snapshot's JSON passed " + max + " bytes, more than the task announced");
      }
    }
  }
}
