package io.heapfleet.collector.queue;

import io.heapfleet.collector.capture.CaptureOutcome;
import io.heapfleet.collector.capture.CaptureReport;
import io.heapfleet.collector.capture.DumpCapture;
import io.heapfleet.collector.discovery.LogSafe;
import io.heapfleet.collector.discovery.Target;
import io.heapfleet.collector.metrics.CollectorMetrics;
import io.heapfleet.collector.queue.CaptureQueue.Received;
import io.heapfleet.collector.service.CaptureRecorder;
import io.heapfleet.collector.service.SeriesAnalysis;
import io.heapfleet.collector.state.FleetState;
import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.StoredDump;
import io.heapfleet.storage.TaskRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * A collector in worker mode: {@code concurrency} loops that each take one due capture from the
 * queue, capture, store and analyse it, and delete the message. While a capture runs its message is
 * kept invisible ({@code ChangeMessageVisibility} every third of the visibility timeout); a worker
 * that dies stops doing that, and the message comes back for another worker.
 *
 * <p>A message received again (its receive count above one) may belong to a capture that a dead
 * worker left half-done: the task's unfinished multipart uploads are aborted before it starts. A
 * slot whose dump is already stored (a worker stored it but died before deleting the message, or
 * the slot was planned again after SQS's deduplication window) is not captured twice. A failed
 * capture is left on the queue for a retry after {@code retryDelay}; SQS moves it to the
 * dead-letter queue after the queue's maximum receives. A refused credential (401, or a task that
 * cannot prove its identity) is not retried before the next interval. A message that does not parse
 * is deleted with a warning. Thread-safe.
 */
public final class QueueWorker implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(QueueWorker.class);

  /**
   * Worker settings.
   *
   * @param concurrency captures this worker runs at once
   * @param visibility how long a received message stays invisible without an extension; it is
   *     extended every third of it while the capture runs
   * @param pollWait long-polling wait of one receive (at most 20 s)
   * @param retryDelay when a failed capture is offered again
   */
  public record Settings(
      int concurrency, Duration visibility, Duration pollWait, Duration retryDelay) {
    public Settings {
      if (concurrency < 1) {
        throw new IllegalArgumentException("concurrency must be >= 1, got " + concurrency);
      }
      if (visibility == null || visibility.toSeconds() < 3) {
        throw new IllegalArgumentException("visibility must be at least 3s, got " + visibility);
      }
      Objects.requireNonNull(pollWait, "pollWait");
      Objects.requireNonNull(retryDelay, "retryDelay");
    }
  }

  /** What happened to one message, for tests and the benchmark. */
  public enum Handled {
    STORED,
    ALREADY_STORED,
    FAILED_RETRY,
    REFUSED,
    REJECTED
  }

  private final CaptureQueue queue;
  private final DumpStore store;
  private final Settings settings;
  private final Clock clock;
  private final CaptureRecorder recorder;
  private final ScheduledExecutorService heartbeats;
  private final ExecutorService loops;
  private final AtomicInteger busy = new AtomicInteger();
  private volatile boolean running;

  /**
   * @param metrics where capture metrics go; {@code null} = none
   */
  public QueueWorker(
      CaptureQueue queue,
      DumpCapture capture,
      SeriesAnalysis analysis,
      FleetState state,
      DumpStore store,
      CollectorMetrics metrics,
      Settings settings,
      Clock clock) {
    this.queue = Objects.requireNonNull(queue, "queue");
    this.store = Objects.requireNonNull(store, "store");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.recorder = new CaptureRecorder(capture, analysis, state, metrics, null, clock);
    this.heartbeats =
        Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "heapfleet-queue-visibility"));
    this.loops =
        Executors.newFixedThreadPool(settings.concurrency(), r -> daemon(r, "heapfleet-worker"));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Starts the consuming loops. */
  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    for (int i = 0; i < settings.concurrency(); i++) {
      loops.execute(this::loop);
    }
  }

  private void loop() {
    while (running) {
      try {
        List<Received> got = queue.receive(1, settings.pollWait(), settings.visibility());
        for (Received r : got) {
          handle(r);
        }
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        LOG.warnf("receiving from the capture queue failed: %s", LogSafe.text(e.getMessage()));
        sleepQuietly(Duration.ofSeconds(2)); // SQS unreachable: do not spin
      }
    }
  }

  /** Captures of this worker running now. */
  public int busy() {
    return busy.get();
  }

  /** Handles one received message to the end (also used directly by tests and the benchmark). */
  public Handled handle(Received r) {
    if (r.message() == null) {
      LOG.warnf("capture message rejected and deleted: %s", LogSafe.text(r.rejected()));
      queue.delete(r.receiptHandle());
      return Handled.REJECTED;
    }
    busy.incrementAndGet();
    ScheduledFuture<?> heartbeat = keepInvisible(r.receiptHandle());
    try {
      return work(r);
    } finally {
      heartbeat.cancel(false);
      busy.decrementAndGet();
    }
  }

  private ScheduledFuture<?> keepInvisible(String receipt) {
    long every = Math.max(1000, settings.visibility().toMillis() / 3);
    return heartbeats.scheduleAtFixedRate(
        () -> {
          try {
            queue.extend(receipt, settings.visibility());
          } catch (RuntimeException e) {
            // The handle may be stale (the message came back to another worker): the capture
            // still finishes; the key's conditional write keeps it from being stored twice.
            LOG.debugf("visibility not extended: %s", e.getMessage());
          }
        },
        every,
        every,
        TimeUnit.MILLISECONDS);
  }

  private Handled work(Received r) {
    Target t = r.message().target();
    TaskRef task = new TaskRef(t.cluster(), t.service(), t.taskId());
    if (r.receiveCount() > 1) {
      abortUnfinishedUploads(task);
    }
    // One listing per capture keeps a slot from being captured twice even past SQS's five-minute
    // deduplication window (a planner restarted later in the slot, a worker that stored the dump
    // but died before deleting the message).
    if (storedInSlot(task, r.message().slot())) {
      queue.delete(r.receiptHandle());
      return Handled.ALREADY_STORED;
    }
    CaptureRecorder.Recorded c = recorder.captureAndRecord(t);
    CaptureOutcome outcome = c.outcome();
    String message = c.message();
    CaptureReport report = c.report();
    switch (outcome) {
      case STORED -> {
        queue.delete(r.receiptHandle());
        LOG.infof(
            "captured %s (%s): %d bytes in %d ms",
            t.taskId(), t.service(), report.bytes(), report.duration().toMillis());
        return Handled.STORED;
      }
      case UNAUTHORIZED, UNTRUSTED -> {
        queue.delete(r.receiptHandle()); // the planner offers it again next interval
        LOG.warnf(
            "capture of %s refused [%s], not retried before the next interval: %s",
            t.taskId(), outcome.tag(), LogSafe.text(message));
        return Handled.REFUSED;
      }
      default -> {
        Duration retry =
            report
                .retryAfter()
                .filter(d -> d.compareTo(settings.retryDelay()) > 0)
                .orElse(settings.retryDelay());
        try {
          queue.extend(r.receiptHandle(), retry);
        } catch (RuntimeException e) {
          LOG.debugf("retry delay not set: %s", e.getMessage());
        }
        LOG.warnf(
            "capture of %s (%s) failed [%s], offered again in %s (receive %d): %s",
            t.taskId(), t.service(), outcome.tag(), retry, r.receiveCount(), LogSafe.text(message));
        return Handled.FAILED_RETRY;
      }
    }
  }

  /** Whether the task has a dump stored at or after the start of {@code slot}. */
  private boolean storedInSlot(TaskRef task, Instant slot) {
    for (StoredDump d : store.listSeries(task)) {
      if (!d.time().isBefore(slot)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Aborts the multipart uploads a dead worker left under the task's folder. Only the worker
   * holding the task's message uploads there, and this one does not yet.
   */
  private void abortUnfinishedUploads(TaskRef task) {
    String prefix = store.settings().prefix();
    String folder = (prefix.isEmpty() ? "" : prefix + "/") + task.path() + "/";
    String bucket = store.settings().bucket();
    List<MultipartUpload> open = new ArrayList<>();
    try {
      open.addAll(
          store.client().listMultipartUploads(b -> b.bucket(bucket).prefix(folder)).uploads());
      for (MultipartUpload u : open) {
        store
            .client()
            .abortMultipartUpload(b -> b.bucket(bucket).key(u.key()).uploadId(u.uploadId()));
        LOG.infof(
            "aborted an unfinished upload of %s left by an earlier attempt: %s",
            task.taskId(), u.key());
      }
    } catch (RuntimeException e) {
      LOG.warnf(
          "unfinished uploads of %s could not be aborted (the bucket's lifecycle rule will):"
              + " %s",
          task.taskId(), LogSafe.text(e.getMessage()));
    }
  }

  private static void sleepQuietly(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops taking messages; captures in progress finish (up to {@code grace}). */
  public void stop(Duration grace) {
    running = false;
    loops.shutdown();
    try {
      loops.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    heartbeats.shutdownNow();
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(30));
  }
}
