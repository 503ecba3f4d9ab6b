package io.heapfleet.endpoint.client;

import io.heapfleet.auth.Compression;
import io.heapfleet.endpoint.HeapfleetHeaders;
import io.heapfleet.endpoint.StreamTrailer;
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
  private final StartedDumpStream started;

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
    boolean trailed =
        HeapfleetHeaders.STREAM_KEEPALIVE.equals(
            header(HeapfleetHeaders.STREAM).map(String::trim).orElse(null));
    this.started = trailed ? StartedDumpStream.of(format(), body) : null;
    this.body = trailed ? started : body;
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

  /**
   * The first value of a response header (case-insensitive); for a stream that started before the
   * dump, the figures known only afterwards ({@code X-Heapdump-Hprof-Bytes}, {@code -Time}, {@code
   * -Duration-Ms}, {@code -Pause-Ms}) once {@link #body()} has been read far enough (see {@link
   * #trailer()}).
   */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
    if (values != null && !values.isEmpty()) {
      return Optional.of(values.get(0));
    }
    return trailer()
        .flatMap(
            t ->
                t.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(Map.Entry::getValue)
                    .findFirst());
  }

  /**
   * Whether the endpoint started this response before taking the dump (keep-alive bytes, then the
   * dump, then a trailer): the dump's size and pause are then known only at the end.
   */
  public boolean startedBeforeDump() {
    return started != null;
  }

  /**
   * The figures sent after the dump ({@link StreamTrailer}): for gzip once the body has been read
   * to its end, for zstd once its first dump byte has been read; empty before, and for responses
   * that had them in the headers.
   */
  public Optional<Map<String, String>> trailer() {
    return started == null ? Optional.empty() : started.record();
  }

  /** The encoding of {@link #body()}, from {@code X-Heapdump-Format} or the file name. */
  public Compression format() {
    List<String> declared = headers.get("x-heapdump-format");
    Optional<Compression> f =
        declared == null || declared.isEmpty()
            ? Optional.empty()
            : Compression.fromId(declared.get(0));
    return f.orElseGet(() -> Compression.ofFileName(fileName));
  }

  /** The uncompressed HPROF size ({@code X-Heapdump-Hprof-Bytes}), for progress estimates. */
  public OptionalLong hprofBytes() {
    return longHeader(HeapfleetHeaders.HPROF_BYTES);
  }

  /**
   * The runtime that took the dump, from {@code X-Heapdump-Runtime}: {@code node} for a V8 heap
   * snapshot from the Node.js agent; {@code jvm} (an HPROF dump) when the header is absent.
   */
  public String runtime() {
    return header(HeapfleetHeaders.RUNTIME).map(String::trim).orElse("jvm");
  }

  /**
   * The uncompressed size of the dump: {@code X-Heapdump-Hprof-Bytes} from a JVM, {@code
   * X-Heapdump-Snapshot-Bytes} (the V8 snapshot's JSON) from Node.js.
   */
  public OptionalLong uncompressedBytes() {
    OptionalLong hprof = hprofBytes();
    return hprof.isPresent() ? hprof : longHeader(HeapfleetHeaders.SNAPSHOT_BYTES);
  }

  /** How long the JVM was paused for the dump ({@code X-Heapdump-Pause-Ms}). */
  public OptionalLong pauseMillis() {
    return longHeader(HeapfleetHeaders.PAUSE_MS);
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
