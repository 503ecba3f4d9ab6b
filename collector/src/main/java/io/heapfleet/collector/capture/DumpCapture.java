package io.heapfleet.collector.capture;

import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.hprof.HprofLimitException;
import io.heapfleet.analysis.hprof.HprofLimits;
import io.heapfleet.auth.Compression;
import io.heapfleet.auth.TaskCredentials;
import io.heapfleet.collector.discovery.Target;
import io.heapfleet.endpoint.HeapfleetHeaders;
import io.heapfleet.endpoint.LeaveOpenOutputStream;
import io.heapfleet.endpoint.WireEncoding;
import io.heapfleet.endpoint.client.DumpRequest;
import io.heapfleet.endpoint.client.DumpResponse;
import io.heapfleet.endpoint.client.HeapdumpClient;
import io.heapfleet.endpoint.client.HeapdumpClientException;
import io.heapfleet.endpoint.client.ProofException;
import io.heapfleet.storage.DumpFormat;
import io.heapfleet.storage.DumpKey;
import io.heapfleet.storage.DumpMetadata;
import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.DumpUpload;
import io.heapfleet.storage.StoredDump;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Takes one dump from one task and stores it, reading the bytes exactly once: the response body is
 * teed into the S3 multipart upload and, through a {@link BoundedPipe}, into the class-histogram
 * analyser on another thread. Memory per capture is the pipe (a few MiB) plus the upload's parts in
 * flight, whatever the dump's size.
 *
 * <p>JVM and Node.js tasks are captured alike: the task's headers say which runtime answers (and so
 * whether the key ends {@code .hprof.gz} or {@code .heapsnapshot.gz}), and {@link DumpContent}
 * reads the histogram of whichever the content is, failing the capture if it is not what the task
 * announced.
 *
 * <p>The upload is completed only after the analyser has read a complete, valid dump and the body
 * length matches {@code Content-Length}; on any failure (task died mid-dump, timeout, S3 refused a
 * part) the multipart upload is aborted, so no partial object is ever stored.
 *
 * <p>A task is not trusted: each capture has a deadline, a byte cap and a bound on how far the dump
 * may inflate, all derived from the size the task announced ({@link CaptureLimits}), and the
 * analyser reads within {@link HprofLimits}. Hitting one aborts the capture at once with its own
 * {@link CaptureOutcome}. Thread-safe: each call is independent.
 */
public final class DumpCapture {
  /** Read size; also the chunk size of the analyser pipe. */
  static final int CHUNK = 256 * 1024;

  /**
   * Capture settings. {@code format} is how the dump is stored; with {@code compressInCollector}
   * the task sends raw HPROF (no compression on the task's CPU) and the collector encodes it on its
   * way to S3.
   */
  public record Settings(
      Duration firstByteTimeout,
      Duration idleTimeout,
      boolean live,
      Compression format,
      int analysisBufferBytes,
      int pinnedMaxAttempts,
      CaptureLimits limits,
      boolean compressInCollector) {

    public Settings {
      Objects.requireNonNull(limits, "limits");
    }

    /**
     * Settings with the {@link CaptureLimits#DEFAULT default limits}, where the task compresses
     * (the format goes on the wire).
     */
    public Settings(
        Duration firstByteTimeout,
        Duration idleTimeout,
        boolean live,
        Compression format,
        int analysisBufferBytes,
        int pinnedMaxAttempts) {
      this(
          firstByteTimeout,
          idleTimeout,
          live,
          format,
          analysisBufferBytes,
          pinnedMaxAttempts,
          CaptureLimits.DEFAULT,
          false);
    }

    /** These settings, compressing in the collector ({@code true}) or on the task. */
    public Settings withCompressInCollector(boolean inCollector) {
      return with(limits, inCollector);
    }

    /** These settings with other limits. */
    public Settings withLimits(CaptureLimits limits) {
      return with(limits, compressInCollector);
    }

    private Settings with(CaptureLimits limits, boolean inCollector) {
      return new Settings(
          firstByteTimeout,
          idleTimeout,
          live,
          format,
          analysisBufferBytes,
          pinnedMaxAttempts,
          limits,
          inCollector);
    }

    /**
     * What the task is asked to send. Raw only to a task reached directly: a raw response starts
     * after the dump (it needs {@code Content-Length}), so through a load balancer a long dump
     * would meet its idle timeout, where a compressed one starts at once and keeps the line busy.
     */
    Compression wireFormat(Target target) {
      return compressInCollector && !target.pinned() ? Compression.RAW : format;
    }
  }

  /**
   * The limits of one capture, from what its response announced.
   *
   * @param reader the HPROF reader's limits (with the inflation bound, if any)
   * @param maxSnapshotBytes the inflation bound of a V8 snapshot's JSON, if any
   */
  private record Bounds(
      Duration deadline, long maxBytes, HprofLimits reader, OptionalLong maxSnapshotBytes) {}

  private final HeapdumpClient client;
  private final DumpStore store;
  private final Supplier<TaskCredentials> credentials;
  private final Settings settings;
  private final Clock clock;
  private final ExecutorService analysers;
  private final ScheduledExecutorService timer;

  public DumpCapture(
      HeapdumpClient client,
      DumpStore store,
      Supplier<TaskCredentials> credentials,
      Settings settings,
      Clock clock,
      ExecutorService analysers,
      ScheduledExecutorService timer) {
    this.client = Objects.requireNonNull(client);
    this.store = Objects.requireNonNull(store);
    this.credentials = Objects.requireNonNull(credentials);
    this.settings = Objects.requireNonNull(settings);
    this.clock = Objects.requireNonNull(clock);
    this.analysers = Objects.requireNonNull(analysers);
    this.timer = Objects.requireNonNull(timer);
  }

  /** Fails the capture with an outcome; internal control flow only. */
  private static final class Failure extends Exception {
    final CaptureOutcome outcome;

    Failure(CaptureOutcome outcome, String message, Throwable cause) {
      super(message, cause, false, false);
      this.outcome = outcome;
    }
  }

  /** Captures {@code target}; never throws for capture failures (they are in the report). */
  public CaptureReport capture(Target target) {
    return capture(target, received -> {});
  }

  /**
   * Captures {@code target}, calling {@code progress} with the bytes received so far after each
   * chunk (on the capturing thread).
   */
  public CaptureReport capture(Target target, LongConsumer progress) {
    long started = System.nanoTime();
    int requests = 0;
    long[] receivedSoFar = {0};
    LongConsumer counting =
        n -> {
          receivedSoFar[0] = n;
          progress.accept(n);
        };
    DumpResponse response = null;
    DumpUpload upload = null;
    BoundedPipe pipe = null;
    Future<ClassHistogram> analysis = null;
    try {
      // Every capture names the task it expects: the endpoint must prove it is that task (an ECS
      // address now serving another task, or a stranger, gets no credential).
      DumpRequest request =
          DumpRequest.defaults()
              .withLive(settings.live())
              .withFormat(settings.wireFormat(target))
              .withTimeout(settings.firstByteTimeout())
              .withTargetTask(target.agentTaskId())
              .withMaxAttempts(target.pinned() ? settings.pinnedMaxAttempts() : 1);
      response = open(target, request);
      requests = response.attempts();
      if (!response.taskId().equals(target.agentTaskId())) {
        // A static URL now serves another task (the old one was replaced): that is a new series,
        // which discovery will find; this task is not reachable here any more.
        throw new Failure(
            CaptureOutcome.FAILED,
            target.baseUri()
                + " is now task "
                + response.taskId()
                + ", not "
                + target.agentTaskId(),
            null);
      }
      // Raw from the task, encoded here: only when the task did send raw (never encode twice).
      Compression encodeHere =
          settings.wireFormat(target) == Compression.RAW && response.format() == Compression.RAW
              ? settings.format()
              : Compression.RAW;
      Compression storedFormat = encodeHere == Compression.RAW ? response.format() : encodeHere;
      // The task's headers choose the key (a Node.js task's V8 snapshot is stored as
      // .heapsnapshot.gz); the analyser checks that the content is what they said.
      boolean heapSnapshot = announcesHeapSnapshot(response);
      Instant taken = clock.instant();
      DumpKey key =
          DumpKey.of(
              target.cluster(),
              target.service(),
              target.taskId(),
              taken,
              DumpFormat.of(heapSnapshot, storedFormat));
      Bounds bounds = bounds(response);
      upload = store.openUpload(key, metadata(response));
      pipe = new BoundedPipe(settings.analysisBufferBytes(), CHUNK);
      BoundedPipe analysed = pipe;
      analysis =
          analysers.submit(
              () -> {
                try (InputStream in = analysed.source()) {
                  return DumpContent.histogram(
                      in, heapSnapshot, taken, bounds.reader(), bounds.maxSnapshotBytes());
                }
              });
      OutputStream toStore;
      try {
        toStore = WireEncoding.encode(encodeHere, new LeaveOpenOutputStream(upload));
      } catch (IOException e) {
        throw new Failure(CaptureOutcome.FAILED, "cannot start the encoder: " + e, e);
      }
      long received = stream(response, bounds, toStore, pipe.sink(), analysis, counting);
      try {
        toStore.close(); // ends the encoding; the upload stays open until complete()
      } catch (IOException | RuntimeException e) {
        throw new Failure(
            CaptureOutcome.STORAGE_ERROR, "S3 refused the end of the upload: " + e.getMessage(), e);
      }
      OptionalLong expected = response.contentLength();
      if (expected.isPresent() && expected.getAsLong() != received) {
        throw new Failure(
            CaptureOutcome.TRUNCATED,
            "body ended after " + received + " of " + expected.getAsLong() + " bytes",
            null);
      }
      ClassHistogram histogram = awaitHistogram(analysis, received);
      StoredDump stored;
      try {
        stored = upload.complete();
      } catch (IOException | RuntimeException e) {
        throw new Failure(
            CaptureOutcome.STORAGE_ERROR,
            "S3 refused to complete the upload: " + e.getMessage(),
            e);
      }
      upload = null;
      return new CaptureReport(
          CaptureOutcome.STORED,
          "stored " + stored.objectKey(),
          stored.sizeBytes(),
          since(started),
          requests,
          Optional.empty(),
          Optional.of(stored),
          Optional.of(histogram));
    } catch (Failure f) {
      return CaptureReport.failed(
          f.outcome,
          f.getMessage(),
          receivedSoFar[0],
          since(started),
          f.getCause() instanceof HeapdumpClientException e ? e.attempts() : requests,
          retryAfter(f));
    } catch (RuntimeException e) {
      CaptureOutcome o =
          e instanceof io.heapfleet.storage.StorageException
              ? CaptureOutcome.STORAGE_ERROR
              : CaptureOutcome.FAILED;
      return CaptureReport.failed(
          o,
          String.valueOf(e.getMessage()),
          receivedSoFar[0],
          since(started),
          requests,
          Optional.empty());
    } finally {
      if (upload != null) {
        upload.abort();
      }
      if (pipe != null) {
        pipe.fail("capture ended");
      }
      if (analysis != null) {
        analysis.cancel(true);
      }
      if (response != null) {
        try {
          response.close();
        } catch (IOException ignored) {
          // the connection is discarded anyway
        }
      }
    }
  }

  private DumpResponse open(Target target, DumpRequest request) throws Failure {
    try {
      return client.open(target.baseUri(), credentials.get(), request);
    } catch (ProofException e) {
      throw new Failure(CaptureOutcome.UNTRUSTED, e.getMessage(), e);
    } catch (HeapdumpClientException e) {
      CaptureOutcome o =
          switch (e.status()) {
            case 401 -> CaptureOutcome.UNAUTHORIZED;
            case 429 -> CaptureOutcome.BUSY;
            case 421 -> CaptureOutcome.NOT_LANDED;
            default -> CaptureOutcome.ENDPOINT_ERROR;
          };
      throw new Failure(o, e.getMessage(), e);
    } catch (IOException e) {
      throw new Failure(classify(e), e.getMessage(), e);
    }
  }

  private static CaptureOutcome classify(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof HttpConnectTimeoutException || t instanceof ConnectException) {
        return CaptureOutcome.UNREACHABLE;
      }
      if (t instanceof HttpTimeoutException || t instanceof SocketTimeoutException) {
        return CaptureOutcome.TIMEOUT;
      }
    }
    return CaptureOutcome.UNREACHABLE;
  }

  /** This capture's deadline, byte cap and reader limits, from the sizes the task announced. */
  private Bounds bounds(DumpResponse response) {
    CaptureLimits limits = settings.limits();
    OptionalLong heapUsed =
        response
            .header(HeapfleetHeaders.HEAP_USED)
            .map(DumpCapture::parseLong)
            .filter(v -> v > 0)
            .map(OptionalLong::of)
            .orElse(OptionalLong.empty());
    // X-Heapdump-Hprof-Bytes, or a Node.js task's X-Heapdump-Snapshot-Bytes: the uncompressed
    // size, announced before the body (a V8 snapshot is complete before its first byte is sent).
    OptionalLong uncompressed = response.uncompressedBytes();
    OptionalLong announced = CaptureLimits.announced(uncompressed, heapUsed);
    OptionalLong inflated = limits.maxInflatedBytes(uncompressed, heapUsed);
    HprofLimits reader =
        inflated.isPresent()
            ? HprofLimits.DEFAULT.withMaxHprofBytes(inflated.getAsLong())
            : HprofLimits.DEFAULT;
    return new Bounds(limits.deadline(announced), limits.maxBytes(announced), reader, inflated);
  }

  private long stream(
      DumpResponse response,
      Bounds bounds,
      OutputStream upload,
      OutputStream analyser,
      Future<ClassHistogram> analysis,
      LongConsumer progress)
      throws Failure {
    byte[] buf = new byte[CHUNK];
    long total = 0;
    try (InputStream body =
        new IdleTimeoutInputStream(
            response.body(), settings.idleTimeout(), bounds.deadline(), timer)) {
      while (true) {
        int n;
        try {
          n = body.read(buf);
        } catch (IdleTimeoutInputStream.DeadlineExceededException e) {
          throw new Failure(
              CaptureOutcome.DEADLINE, "after " + total + " bytes: " + e.getMessage(), e);
        } catch (SocketTimeoutException e) {
          throw new Failure(
              CaptureOutcome.TIMEOUT, "after " + total + " bytes: " + e.getMessage(), e);
        } catch (IOException e) {
          throw new Failure(
              CaptureOutcome.TRUNCATED,
              "the dump stream broke after " + total + " bytes (task died mid-dump?): " + e,
              e);
        }
        if (n < 0) {
          break;
        }
        if (total + n > bounds.maxBytes()) {
          throw new Failure(
              CaptureOutcome.TOO_LARGE,
              "the dump passed the byte cap of "
                  + bounds.maxBytes()
                  + " bytes for this capture (twice the announced size, at least the floor;"
                  + " see heapfleet.collector.capture.limits)",
              null);
        }
        if (analysis.isDone()) {
          // The analyser stops before the end of the stream only when the dump is bad: say why
          // now instead of uploading the rest.
          awaitHistogram(analysis, total);
        }
        try {
          upload.write(buf, 0, n);
        } catch (IOException | RuntimeException e) {
          throw new Failure(
              CaptureOutcome.STORAGE_ERROR,
              "S3 refused part of the upload after " + total + " bytes: " + e.getMessage(),
              e);
        }
        analyser.write(buf, 0, n);
        total += n;
        progress.accept(total);
      }
      analyser.close();
      return total;
    } catch (IOException e) {
      // analyser pipe interrupted, or closing the body failed
      throw new Failure(CaptureOutcome.FAILED, "capture interrupted: " + e.getMessage(), e);
    }
  }

  /**
   * Whether the task says it sends a V8 heap snapshot (Node.js): {@code X-Heapdump-Runtime: node},
   * or a {@code .heapsnapshot} file name.
   */
  static boolean announcesHeapSnapshot(DumpResponse response) {
    String name = response.fileName() == null ? "" : response.fileName();
    return DumpFormat.NODE.equals(response.runtime())
        || DumpFormat.ofFileName(name).map(DumpFormat::isHeapSnapshot).orElse(false);
  }

  private static ClassHistogram awaitHistogram(Future<ClassHistogram> analysis, long received)
      throws Failure {
    try {
      return analysis.get();
    } catch (ExecutionException e) {
      for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
        if (t instanceof DumpContent.InflationException i) {
          throw new Failure(
              CaptureOutcome.INFLATION,
              "the snapshot inflates past the size it announced (X-Heapdump-Snapshot-Bytes): "
                  + i.getMessage(),
              i);
        }
        if (t instanceof DumpContent.WrongKindException w) {
          throw new Failure(CaptureOutcome.BAD_DUMP, w.getMessage(), w);
        }
      }
      if (e.getCause() instanceof HprofLimitException l) {
        boolean inflation = l.limit() == HprofLimitException.Limit.HPROF_BYTES;
        throw new Failure(
            inflation ? CaptureOutcome.INFLATION : CaptureOutcome.BAD_DUMP,
            (inflation
                    ? "the dump inflates past the size it announced (X-Heapdump-Hprof-Bytes): "
                    : "the dump breaks a reader limit: ")
                + l.getMessage(),
            l);
      }
      if (e.getCause() instanceof OutOfMemoryError oom) {
        throw new Failure(
            CaptureOutcome.BAD_DUMP,
            "analysing the dump ran out of memory: "
                + HprofLimitException.outOfMemory(oom).getMessage(),
            oom);
      }
      throw new Failure(
          CaptureOutcome.TRUNCATED,
          "the "
              + received
              + " bytes received are not a complete heap dump: "
              + e.getCause().getMessage(),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure(CaptureOutcome.FAILED, "interrupted while analysing", e);
    }
  }

  private static DumpMetadata metadata(DumpResponse r) {
    long heapUsed = r.header(HeapfleetHeaders.HEAP_USED).map(DumpCapture::parseLong).orElse(-1L);
    long dumpMillis =
        r.header(HeapfleetHeaders.DURATION_MS).map(DumpCapture::parseLong).orElse(-1L);
    return new DumpMetadata(
        r.header(HeapfleetHeaders.JVM)
            .or(() -> r.header(HeapfleetHeaders.NODE).map(v -> "Node.js " + v))
            .orElse(null),
        heapUsed,
        r.uncompressedBytes().orElse(-1),
        dumpMillis < 0 ? null : Duration.ofMillis(dumpMillis));
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static Optional<Duration> retryAfter(Failure f) {
    return f.getCause() instanceof HeapdumpClientException e ? e.retryAfter() : Optional.empty();
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  /** The current time (for callers that stamp reports). */
  Instant now() {
    return clock.instant();
  }
}
