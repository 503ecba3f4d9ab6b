package io.heapfleet.endpoint.client;

import io.heapfleet.endpoint.DumpFormat;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A dump being received: who sent it, what it is called, and its bytes as a stream (encoded as
 * {@link #format()} says; the caller reads and closes it). Closing before the end aborts the
 * transfer; the endpoint deletes its temp file either way. Not thread-safe.
 */
public final class DumpResponse implements Closeable {

  private final String taskId;
  private final String fileName;
  private final OptionalLong contentLength;
  private final Map<String, List<String>> headers;
  private final int attempts;
  private final InputStream body;

  DumpResponse(
      String taskId,
      String fileName,
      OptionalLong contentLength,
      Map<String, List<String>> headers,
      int attempts,
      InputStream body) {
    this.taskId = taskId;
    this.fileName = fileName;
    this.contentLength = contentLength;
    this.headers = headers;
    this.attempts = attempts;
    this.body = body;
  }

  /** The task that took the dump ({@code X-Heapdump-Task}). */
  public String taskId() {
    return taskId;
  }

  /** The endpoint's file name, e.g. {@code 3f2a...-20261122T013700Z.hprof.gz}. */
  public String fileName() {
    return fileName;
  }

  /** The body length when the endpoint sent {@code Content-Length} (raw dumps). */
  public OptionalLong contentLength() {
    return contentLength;
  }

  /** All response headers, names in lower case. */
  public Map<String, List<String>> headers() {
    return headers;
  }

  /** The first value of a response header (case-insensitive). */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** The encoding of {@link #body()}, from {@code X-Heapdump-Format} or the file name. */
  public DumpFormat format() {
    Optional<DumpFormat> f = header("X-Heapdump-Format").flatMap(DumpFormat::fromId);
    if (f.isPresent()) {
      return f.get();
    }
    if (fileName.endsWith(".gz")) {
      return DumpFormat.GZIP;
    }
    return fileName.endsWith(".zst") ? DumpFormat.ZSTD : DumpFormat.RAW;
  }

  /** The uncompressed HPROF size ({@code X-Heapdump-Hprof-Bytes}), for progress estimates. */
  public OptionalLong hprofBytes() {
    return longHeader("X-Heapdump-Hprof-Bytes");
  }

  /**
   * The runtime that took the dump, from {@code X-Heapdump-Runtime}: {@code node} for a V8 heap
   * snapshot from the Node.js agent; {@code jvm} (an HPROF dump) when the header is absent.
   */
  public String runtime() {
    return header("X-Heapdump-Runtime").map(String::trim).orElse("jvm");
  }

  /**
   * The uncompressed size of the dump: {@code X-Heapdump-Hprof-Bytes} from a JVM, {@code
   * X-Heapdump-Snapshot-Bytes} (the V8 snapshot's JSON) from Node.js.
   */
  public OptionalLong uncompressedBytes() {
    OptionalLong hprof = hprofBytes();
    return hprof.isPresent() ? hprof : longHeader("X-Heapdump-Snapshot-Bytes");
  }

  /** How long the JVM was paused for the dump ({@code X-Heapdump-Pause-Ms}). */
  public OptionalLong pauseMillis() {
    return longHeader("X-Heapdump-Pause-Ms");
  }

  /** How many requests it took (more than one when a pinned task was reached by retrying). */
  public int attempts() {
    return attempts;
  }

  /** The dump bytes; the caller closes them (or this response). */
  public InputStream body() {
    return body;
  }

  @Override
  public void close() throws IOException {
    body.close();
  }

  private OptionalLong longHeader(String name) {
    Optional<String> v = header(name);
    if (v.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(v.get().trim()));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
