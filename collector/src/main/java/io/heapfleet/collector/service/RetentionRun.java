package io.heapfleet.collector.service;

import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.RetentionPolicy;
import io.heapfleet.storage.StoredDump;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Applies the retention policy to every task in the bucket: pages through the task index markers
 * ({@link DumpStore#forEachIndexedTask}) and deletes each task's dumps the policy does not keep
 * ({@link DumpStore#applyRetention}); summaries and artifacts stay. Runs on its own thread, never
 * on a capture thread. A task that fails is logged and skipped; the run goes on. One run at a time
 * (synchronized).
 */
public final class RetentionRun {
  private static final Logger LOG = Logger.getLogger(RetentionRun.class);

  /**
   * What one run did.
   *
   * @param tasks tasks looked at
   * @param deletedDumps dumps deleted
   * @param deletedBytes their stored size
   * @param failedTasks tasks whose retention failed (logged)
   */
  public record Result(int tasks, int deletedDumps, long deletedBytes, int failedTasks) {}

  private final DumpStore store;
  private final RetentionPolicy policy;
  private final Clock clock;

  public RetentionRun(DumpStore store, RetentionPolicy policy, Clock clock) {
    this.store = store;
    this.policy = policy;
    this.clock = clock;
  }

  /** One pass over the bucket. Throws only when the marker listing itself fails. */
  public synchronized Result runOnce() {
    Instant now = clock.instant();
    AtomicInteger tasks = new AtomicInteger();
    AtomicInteger deleted = new AtomicInteger();
    AtomicLong bytes = new AtomicLong();
    AtomicInteger failed = new AtomicInteger();
    store.forEachIndexedTask(
        t -> {
          tasks.incrementAndGet();
          try {
            List<StoredDump> gone = store.applyRetention(t.taskId(), policy, now);
            deleted.addAndGet(gone.size());
            gone.forEach(d -> bytes.addAndGet(Math.max(0, d.sizeBytes())));
          } catch (RuntimeException e) {
            failed.incrementAndGet();
            LOG.warnf(
                "retention of task %s failed, retried next run: %s", t.taskId(), e.getMessage());
          }
        });
    Result r = new Result(tasks.get(), deleted.get(), bytes.get(), failed.get());
    if (r.deletedDumps() > 0 || r.failedTasks() > 0) {
      LOG.infof(
          "retention: %d dumps (%d bytes) deleted over %d tasks, %d tasks failed",
          r.deletedDumps(), r.deletedBytes(), r.tasks(), r.failedTasks());
    }
    return r;
  }

  public RetentionPolicy policy() {
    return policy;
  }
}
