package io.heapfleet.analysis.v8;

import io.heapfleet.analysis.histogram.ClassHistogram;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * The door to V8 heap snapshot ({@code .heapsnapshot}, Node.js) analysis: tells a snapshot from
 * other input by its content (plain or gzip), opens it, and builds its class histogram in one
 * streaming pass. Stateless and thread-safe.
 */
public final class HeapSnapshots {
  private static final Pattern STAMP = Pattern.compile("(\\d{8}T\\d{6}Z)");
  private static final DateTimeFormatter STAMP_FORMAT =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
  private static final int GZIP_BUFFER = 1 << 16;

  private HeapSnapshots() {}

  /**
   * True if the file holds a V8 heap snapshot, plain or gzip: its JSON starts with the {@code
   * "snapshot"} member, as every snapshot V8 writes does.
   */
  public static boolean isHeapSnapshot(Path file) throws IOException {
    try (InputStream in = open(file)) {
      return startsLikeSnapshot(in);
    } catch (java.util.zip.ZipException | java.io.EOFException e) {
      return false; // gzip, but not readable: not ours to explain
    }
  }

  /** True if the (decompressed) bytes start with {@code {"snapshot"}, whitespace allowed. */
  static boolean startsLikeSnapshot(InputStream in) throws IOException {
    byte[] head = in.readNBytes(256);
    int i = skipSpace(head, 0);
    if (i >= head.length || head[i] != '{') {
      return false;
    }
    i = skipSpace(head, i + 1);
    byte[] key = "\"snapshot\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    if (i + key.length > head.length) {
      return false;
    }
    for (int k = 0; k < key.length; k++) {
      if (head[i + k] != key[k]) {
        return false;
      }
    }
    return true;
  }

  private static int skipSpace(byte[] b, int i) {
    while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
      i++;
    }
    return i;
  }

  /** Opens a snapshot file, decompressing gzip (detected from the first bytes, not the name). */
  public static InputStream open(Path file) throws IOException {
    return decompressed(Files.newInputStream(file));
  }

  /** The stream itself, or its gzip-decompressed content when it starts with the gzip magic. */
  public static InputStream decompressed(InputStream raw) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, GZIP_BUFFER);
    try {
      in.mark(2);
      int b0 = in.read();
      int b1 = in.read();
      in.reset();
      if (b0 == 0x1f && b1 == 0x8b) {
        return new GZIPInputStream(in, GZIP_BUFFER);
      }
      return in;
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /**
   * When a snapshot file was taken: the {@code yyyyMMdd'T'HHmmss'Z'} stamp in its name (how
   * heapfleet names the dumps it fetches and stores), else the file's last-modified time ({@code
   * v8.writeHeapSnapshot} writes the file as it takes it). A V8 snapshot records no time itself.
   */
  public static Instant timestampOf(Path file) throws IOException {
    Matcher m = STAMP.matcher(file.getFileName().toString());
    if (m.find()) {
      try {
        return LocalDateTime.parse(m.group(1), STAMP_FORMAT).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e) {
        // not a real date: fall back to the file's time
      }
    }
    return Files.getLastModifiedTime(file).toInstant();
  }

  /** The class histogram of a snapshot file (plain or gzip), timed by {@link #timestampOf}. */
  public static ClassHistogram histogram(Path file) throws IOException {
    Instant taken = timestampOf(file);
    try (InputStream in = open(file)) {
      return histogram(in, taken, SnapshotLimits.DEFAULT);
    }
  }

  /**
   * The class histogram of a snapshot arriving as a stream (plain or gzip), read to the end, not
   * closed.
   *
   * @param taken when the snapshot was taken (the snapshot does not say)
   */
  public static ClassHistogram histogram(InputStream snapshot, Instant taken, SnapshotLimits limits)
      throws IOException {
    V8HistogramBuilder builder = new V8HistogramBuilder();
    new HeapSnapshotReader(decompressed(snapshot), limits).read(builder);
    return builder.build(taken);
  }
}
