package io.heapfleet.collector.service;

import io.heapfleet.analysis.hprof.HprofFormatException;
import io.heapfleet.analysis.hprof.HprofLimitException;
import io.heapfleet.analysis.report.Format;
import io.heapfleet.analysis.retainer.DeepAnalysis;
import io.heapfleet.analysis.retainer.DeepOptions;
import io.heapfleet.analysis.retainer.DeepResult;
import io.heapfleet.analysis.retainer.GraphTooLargeException;
import io.heapfleet.analysis.trend.Suspect;
import io.heapfleet.analysis.trend.TrendResult;
import io.heapfleet.analysis.v8.HeapSnapshotFormatException;
import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.StoredDump;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Runs the deep analysis of a leaking (or inconclusive) task's newest dump in the background:
 * downloads the dump (an HPROF, or a Node.js task's V8 heap snapshot: {@link DeepAnalysis} tells
 * them apart) from S3 into a temp directory (deleted afterwards, also on failure), runs {@link
 * DeepAnalysis} for the trend's top suspects within the heap budget, and hands the result to a
 * callback. At most one analysis runs at a time; offers made meanwhile wait, at most one per task
 * (a newer dump of the same task replaces the waiting one), so one task's analysis cannot starve
 * another's. Thread-safe.
 */
public final class DeepAnalyser {
  private static final Logger LOG = Logger.getLogger(DeepAnalyser.class);

  /**
   * Limits of the deep step.
   *
   * @param maxDumpBytes stored (compressed) dumps above this are not analysed
   * @param heapBudgetBytes graph/dominator arrays on the heap; the rest spills to {@code tempDir}
   * @param suspects how many top suspects of the trend to explain
   * @param tempDir where the dump is downloaded and arrays spill
   */
  public record Settings(long maxDumpBytes, long heapBudgetBytes, int suspects, Path tempDir) {
    public Settings {
      if (maxDumpBytes < 1 || heapBudgetBytes < 0 || suspects < 1) {
        throw new IllegalArgumentException(
            "deep analysis: max-dump-bytes and suspects must be positive and heap-budget-mb >= 0,"
                + " got "
                + maxDumpBytes
                + ", "
                + suspects
                + ", "
                + heapBudgetBytes);
      }
    }
  }

  private final DumpStore store;
  private final Settings settings;
  private final ExecutorService executor;
  private final AtomicBoolean busy = new AtomicBoolean();
  private final Consumer<String> outcomes;

  /** Waiting analyses by task id, oldest offer first; guarded by itself. */
  private final java.util.LinkedHashMap<String, Job> pending = new java.util.LinkedHashMap<>();

  private record Job(StoredDump dump, List<String> suspects, Consumer<DeepResult> done) {}

  /**
   * @param executor runs the analyses (one thread is enough: only one runs at a time)
   */
  public DeepAnalyser(DumpStore store, Settings settings, ExecutorService executor) {
    this(store, settings, executor, outcome -> {});
  }

  /**
   * @param executor runs the analyses (one thread is enough: only one runs at a time)
   * @param outcomes told how each analysis ended ({@code done}, {@code too_large}, {@code
   *     bad_dump}, {@code out_of_memory}, {@code failed}), for metrics
   */
  public DeepAnalyser(
      DumpStore store, Settings settings, ExecutorService executor, Consumer<String> outcomes) {
    this.store = store;
    this.settings = settings;
    this.executor = executor;
    this.outcomes = outcomes;
  }

  /**
   * Queues the deep analysis of {@code newest} for the trend's top suspects (replacing a waiting
   * one of the same task) unless the dump is over the size limit; it runs when no other analysis
   * does.
   *
   * @param done called on the analysis thread with the result (not called on failure: logged)
   * @return whether an analysis was queued
   */
  public boolean offer(StoredDump newest, TrendResult trend, Consumer<DeepResult> done) {
    List<String> suspects =
        trend.suspects().stream().limit(settings.suspects()).map(Suspect::className).toList();
    if (suspects.isEmpty()) {
      return false;
    }
    if (newest.sizeBytes() > settings.maxDumpBytes()) {
      LOG.infof(
          "deep analysis of %s skipped: %d bytes is over heapfleet.collector.deep.max-dump-bytes=%d",
          newest.objectKey(), newest.sizeBytes(), settings.maxDumpBytes());
      return false;
    }
    synchronized (pending) {
      String task = newest.key().task().taskId();
      pending.remove(task); // re-insert: a replaced offer goes to the back of the line
      pending.put(task, new Job(newest, suspects, done));
      if (!busy.compareAndSet(false, true)) {
        return true; // the running worker takes it next
      }
    }
    try {
      executor.execute(this::drain);
      return true;
    } catch (RejectedExecutionException e) {
      synchronized (pending) {
        pending.clear();
        busy.set(false);
      }
      return false;
    }
  }

  /** The worker: runs waiting analyses one after another until none is left. */
  private void drain() {
    while (true) {
      Job job;
      synchronized (pending) {
        var it = pending.values().iterator();
        if (!it.hasNext()) {
          busy.set(false);
          return;
        }
        job = it.next();
        it.remove();
      }
      run(job.dump(), job.suspects(), job.done());
    }
  }

  /** Whether an analysis is running or waiting now. */
  public boolean busy() {
    return busy.get();
  }

  private void run(StoredDump dump, List<String> suspects, Consumer<DeepResult> done) {
    Path dir = null;
    long started = System.nanoTime();
    try {
      Files.createDirectories(settings.tempDir());
      dir = Files.createTempDirectory(settings.tempDir(), "heapfleet-deep-");
      Path file = store.download(dump, dir).path();
      DeepOptions options =
          DeepOptions.defaults()
              .withArrayHeapBudget(settings.heapBudgetBytes())
              .withSpillDirectory(dir);
      DeepResult result = DeepAnalysis.of(file, options, suspects);
      Files.deleteIfExists(file); // before the callback's S3 writes: free the disk early
      done.accept(result);
      LOG.infof(
          "deep analysis of %s: %s in %d ms",
          dump.objectKey(),
          result.suspectOwners().stream()
              .map(o -> o.className() + " held by " + o.owner())
              .toList(),
          (System.nanoTime() - started) / 1_000_000);
      outcomes.accept("done");
    } catch (GraphTooLargeException e) {
      LOG.warnf(
          "deep analysis of %s does not fit the collector's heap: %s",
          dump.objectKey(), e.getMessage());
      outcomes.accept("too_large");
    } catch (HprofFormatException e) {
      LOG.warnf("deep analysis of %s: not a readable dump: %s", dump.objectKey(), e.getMessage());
      boolean memory =
          e instanceof HprofLimitException l && l.limit() == HprofLimitException.Limit.MEMORY;
      outcomes.accept(memory ? "out_of_memory" : "bad_dump");
    } catch (HeapSnapshotFormatException e) {
      LOG.warnf(
          "deep analysis of %s: not a readable V8 heap snapshot: %s",
          dump.objectKey(), e.getMessage());
      outcomes.accept("bad_dump");
    } catch (OutOfMemoryError e) {
      // The graph's arrays are unreachable once unwound; the worker (and the collector) go on.
      LOG.warnf(
          "deep analysis of %s ran out of memory (max heap %s); skipped",
          dump.objectKey(), Format.bytes(Runtime.getRuntime().maxMemory()));
      outcomes.accept("out_of_memory");
    } catch (IOException | RuntimeException e) {
      LOG.warnf("deep analysis of %s failed: %s", dump.objectKey(), e.toString());
      outcomes.accept("failed");
    } finally {
      deleteTree(dir);
    }
  }

  private static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warnf("could not delete the deep analysis temp dir %s: %s", dir, e.getMessage());
    }
  }
}
