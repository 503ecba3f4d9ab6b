package io.heapfleet.endpoint;

import io.heapfleet.auth.Compression;
import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The protocol's answer to one request, for a front door to send: a status, headers and a body
 * (small JSON, or a dump streamed from its temp file and encoded on the way out).
 *
 * <p>The front door must either call {@link #writeBody} once or {@link #close()}; both release what
 * the response holds (the temp file, the one-dump-at-a-time lock) and write the audit line, on
 * every path, including a client that disconnects halfway. Not thread-safe: one front-door thread
 * owns a response.
 */
public final class EndpointResponse implements Closeable {

  private static final Logger LOG = Logger.getLogger(EndpointResponse.class.getName());

  private final int status;
  private final Map<String, String> headers;
  private final Body body;
  private final Audit audit;
  private final AtomicBoolean done = new AtomicBoolean();

  private EndpointResponse(int status, Map<String, String> headers, Body body, Audit audit) {
    this.status = status;
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    this.body = body;
    this.audit = audit;
  }

  static EndpointResponse json(int status, Map<String, String> headers, String json, Audit audit) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put("Content-Type", "application/json");
    h.put("Cache-Control", "no-store");
    return new EndpointResponse(
        status, h, new JsonBody(json.getBytes(StandardCharsets.UTF_8)), audit);
  }

  static EndpointResponse dump(
      Map<String, String> headers, Path file, Compression format, Runnable release, Audit audit)
      throws IOException {
    long size = Files.size(file);
    return new EndpointResponse(200, headers, new DumpBody(file, format, size, release), audit);
  }

  /**
   * A dump response that starts before the dump is taken: the headers go out at once, then {@code
   * job} writes the dump into {@code file} while a {@link KeepAliveEncoder} sends a few bytes every
   * {@code interval} (so a load balancer's idle timeout never fires), then the file streams and a
   * {@link StreamTrailer} carries the job's figures. A job that fails makes {@link #writeBody}
   * throw: the front door must then abort the connection, never end the body cleanly.
   */
  static EndpointResponse keepAliveDump(
      Map<String, String> headers,
      Path file,
      Compression format,
      Duration interval,
      DumpJob job,
      Runnable release,
      Audit audit) {
    return new EndpointResponse(
        200, headers, new KeepAliveDumpBody(file, format, interval, job, release), audit);
  }

  /** Takes the dump inside a started response; returns the trailer's header values. */
  interface DumpJob {
    Map<String, String> dump() throws IOException;
  }

  public int status() {
    return status;
  }

  /** Response headers, without {@code Content-Length} (see {@link #contentLength()}). */
  public Map<String, String> headers() {
    return headers;
  }

  /** The body length, or -1 when it is only known once written (compressed dumps: chunked). */
  public long contentLength() {
    return body.length();
  }

  /**
   * Writes the body to {@code out} (not closing it), then releases everything and writes the audit
   * line. An {@link IOException} from {@code out} (client gone) propagates after cleanup.
   */
  public void writeBody(OutputStream out) throws IOException {
    if (done.get()) {
      throw new IllegalStateException("the body was already written or discarded");
    }
    Counting counting = new Counting(out);
    String outcome = audit.outcome();
    try {
      body.write(counting);
    } catch (IOException | RuntimeException e) {
      // A dump that failed after the response started says so; anything else is a broken stream.
      outcome =
          "failed".equals(audit.outcome())
              ? "failed"
              : "aborted(" + e.getClass().getSimpleName() + ")";
      throw e;
    } finally {
      finish(outcome, counting.count);
    }
  }

  /** Releases the response without sending its body (e.g. the front door failed first). */
  @Override
  public void close() {
    finish(audit.outcome() + (body instanceof DumpBody ? "(not-sent)" : ""), 0);
  }

  private void finish(String outcome, long bytes) {
    if (!done.compareAndSet(false, true)) {
      return;
    }
    try {
      body.release();
    } finally {
      audit.log(status, outcome, bytes);
    }
  }

  /** A response body. */
  private interface Body {
    long length();

    void write(OutputStream out) throws IOException;

    void release();
  }

  private static final class JsonBody implements Body {
    private final byte[] bytes;

    JsonBody(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public long length() {
      return bytes.length;
    }

    @Override
    public void write(OutputStream out) throws IOException {
      out.write(bytes);
      out.flush();
    }

    @Override
    public void release() {}
  }

  /** Deletes the temp file and releases the lock, once; a failed delete only warns. */
  private static void releaseDump(Path file, Runnable release) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // A failed delete must never fail the request; say so loudly instead.
      LOG.log(
          Level.WARNING, "heapfleet: could not delete temp dump {0}: {1}", new Object[] {file, e});
    } finally {
      release.run();
    }
  }

  /**
   * Copies {@code file} into {@code encoded}, running {@code beforeLast} before the last chunk: a
   * client that has seen the whole body can ask again at once without meeting "busy".
   */
  private static void copyHoldingLast(Path file, OutputStream encoded, Runnable beforeLast)
      throws IOException {
    byte[] last;
    int lastLength;
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[64 * 1024];
      byte[] next = new byte[64 * 1024];
      int n = readFully(in, buf);
      while (true) {
        int m = n == buf.length ? readFully(in, next) : 0;
        if (m <= 0) {
          break;
        }
        encoded.write(buf, 0, n);
        byte[] swap = buf;
        buf = next;
        next = swap;
        n = m;
      }
      last = buf;
      lastLength = n;
    }
    beforeLast.run();
    encoded.write(last, 0, lastLength);
  }

  private static int readFully(InputStream in, byte[] buf) throws IOException {
    int total = 0;
    while (total < buf.length) {
      int n = in.read(buf, total, buf.length - total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }

  /**
   * Takes the dump while keep-alive bytes flow, then streams it with its trailer. The keep-alive
   * thread and the request thread never write at the same time: the request thread writes only
   * after the keep-alive has stopped.
   */
  private static final class KeepAliveDumpBody implements Body {
    private final Path file;
    private final Compression format;
    private final Duration interval;
    private final DumpJob job;
    private final Runnable release;
    private final AtomicBoolean released = new AtomicBoolean();

    KeepAliveDumpBody(
        Path file, Compression format, Duration interval, DumpJob job, Runnable release) {
      this.file = file;
      this.format = format;
      this.interval = interval;
      this.job = job;
      this.release = release;
    }

    @Override
    public long length() {
      return -1;
    }

    @Override
    public void write(OutputStream out) throws IOException {
      KeepAliveEncoder encoder = KeepAliveEncoder.start(format, out);
      Map<String, String> trailer;
      try (Heartbeat heartbeat = new Heartbeat(encoder, interval)) {
        trailer = job.dump();
        heartbeat.stop();
      }
      copyHoldingLast(file, encoder.data(trailer), this::release);
      encoder.finish();
    }

    @Override
    public void release() {
      if (released.compareAndSet(false, true)) {
        releaseDump(file, release);
      }
    }
  }

  /**
   * A daemon thread that calls {@link KeepAliveEncoder#keepAlive()} every interval until stopped.
   */
  private static final class Heartbeat implements AutoCloseable {
    private final KeepAliveEncoder encoder;
    private final long intervalNanos;
    private final Thread thread;
    private boolean stopped; // guarded by this
    private IOException failure; // guarded by this

    Heartbeat(KeepAliveEncoder encoder, Duration interval) {
      this.encoder = encoder;
      this.intervalNanos = interval.toNanos();
      this.thread = new Thread(this::run, "heapfleet-keepalive");
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      synchronized (this) {
        long next = System.nanoTime() + intervalNanos;
        while (!stopped) {
          long wait = next - System.nanoTime();
          if (wait > 0) {
            try {
              java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, wait);
            } catch (InterruptedException e) {
              return;
            }
            continue;
          }
          try {
            encoder.keepAlive();
          } catch (IOException | RuntimeException e) {
            failure = e instanceof IOException ? (IOException) e : new IOException(e);
            return;
          }
          next = System.nanoTime() + intervalNanos;
        }
      }
    }

    /** Stops the keep-alive; throws if it failed (the client or the balancer went away). */
    void stop() throws IOException {
      close();
      synchronized (this) {
        if (failure != null) {
          throw failure;
        }
      }
    }

    @Override
    public void close() {
      synchronized (this) {
        stopped = true;
        notifyAll();
      }
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Streams the temp file through the encoder; deletes it and releases the lock afterwards. */
  private static final class DumpBody implements Body {
    private final Path file;
    private final Compression format;
    private final long size;
    private final Runnable release;
    private final AtomicBoolean released = new AtomicBoolean();

    DumpBody(Path file, Compression format, long size, Runnable release) {
      this.file = file;
      this.format = format;
      this.size = size;
      this.release = release;
    }

    @Override
    public long length() {
      return format == Compression.RAW ? size : -1;
    }

    @Override
    public void write(OutputStream out) throws IOException {
      // The encoder's close() finishes the stream; the front door's stream stays open for it.
      // The last chunk is held back until the temp file is deleted and the lock released, so a
      // client that has seen the whole body can ask again at once without meeting "busy".
      try (OutputStream encoded = WireEncoding.encode(format, new LeaveOpenOutputStream(out))) {
        copyHoldingLast(file, encoded, this::release);
      }
      out.flush();
    }

    @Override
    public void release() {
      if (released.compareAndSet(false, true)) {
        releaseDump(file, release);
      }
    }
  }

  private static final class Counting extends FilterOutputStream {
    long count;

    Counting(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
