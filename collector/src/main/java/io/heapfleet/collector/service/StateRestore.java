package io.heapfleet.collector.service;

import io.heapfleet.collector.state.FleetState;
import io.heapfleet.storage.DumpStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Rebuilds the collector's view from S3 after a start, in the background, so that the collector
 * serves at once: first the live tasks (each through its index marker, one listing of its folder
 * and the summaries of its trend window), then every other task that has an index marker, page by
 * page ({@link DumpStore#forEachIndexedTask}), from its marker alone ({@link
 * SeriesAnalysis#restoreEnded}); an ended task's trend is read when it is opened. Memory grows with
 * the markers' entries, never with a listing of the whole bucket. Progress is readable at any time
 * ({@link #status()}). Thread-safe; {@link #run} is called once, on its own thread.
 */
public final class StateRestore {
  private static final Logger LOG = Logger.getLogger(StateRestore.class);

  /** Where the restore is. */
  public enum Phase {
    /** Not started yet. */
    WAITING,
    /** Restoring the live tasks. */
    LIVE,
    /** Restoring ended tasks from their markers. */
    ENDED,
    /** Finished. */
    DONE,
    /** Stopped by an error (S3 unreachable); the series resume as tasks are captured. */
    FAILED
  }

  /**
   * Restore progress, as shown by the {@code restore} health check.
   *
   * @param phase where it is
   * @param liveTotal live tasks at the start of the restore
   * @param liveRestored live tasks restored (with a series in S3)
   * @param markersSeen index markers listed so far
   * @param endedRestored ended tasks added from their markers
   * @param startedAt when it started, or null
   * @param liveDoneAt when the live tasks were done, or null
   * @param finishedAt when it finished (or failed), or null
   * @param error the error that stopped it, or null
   */
  public record Status(
      Phase phase,
      int liveTotal,
      int liveRestored,
      int markersSeen,
      int endedRestored,
      Instant startedAt,
      Instant liveDoneAt,
      Instant finishedAt,
      String error) {
    static final Status WAITING = new Status(Phase.WAITING, 0, 0, 0, 0, null, null, null, null);
  }

  private final DumpStore store;
  private final SeriesAnalysis analysis;
  private final FleetState state;
  private final Clock clock;
  private final AtomicReference<Status> status = new AtomicReference<>(Status.WAITING);

  public StateRestore(DumpStore store, SeriesAnalysis analysis, FleetState state, Clock clock) {
    this.store = store;
    this.analysis = analysis;
    this.state = state;
    this.clock = clock;
  }

  /** Restores the live tasks {@code liveTaskIds}, then the ended ones. Never throws. */
  public void run(Collection<String> liveTaskIds) {
    Instant started = clock.instant();
    int liveTotal = liveTaskIds.size();
    status.set(new Status(Phase.LIVE, liveTotal, 0, 0, 0, started, null, null, null));
    int live = 0;
    int seen = 0;
    int ended = 0;
    Instant liveDone = null;
    try {
      for (String id : liveTaskIds) {
        try {
          if (analysis.restoreTask(id, state)) {
            live++;
          }
        } catch (RuntimeException e) {
          LOG.warnf("series of live task %s could not be restored: %s", id, e.getMessage());
        }
        status.set(new Status(Phase.LIVE, liveTotal, live, 0, 0, started, null, null, null));
      }
      liveDone = clock.instant();
      status.set(new Status(Phase.ENDED, liveTotal, live, 0, 0, started, liveDone, null, null));
      int[] counts = new int[2];
      Instant liveDoneAt = liveDone;
      int liveRestored = live;
      store.forEachIndexedTask(
          t -> {
            counts[0]++;
            if (!state.knows(t.taskId())) {
              try {
                if (store
                    .indexedState(t.taskId())
                    .map(s -> analysis.restoreEnded(s, state))
                    .orElse(false)) {
                  counts[1]++;
                }
              } catch (RuntimeException e) {
                LOG.debugf("marker of task %s unreadable, skipped: %s", t.taskId(), e.getMessage());
              }
            }
            if (counts[0] % 500 == 0) {
              status.set(
                  new Status(
                      Phase.ENDED,
                      liveTotal,
                      liveRestored,
                      counts[0],
                      counts[1],
                      started,
                      liveDoneAt,
                      null,
                      null));
            }
          });
      seen = counts[0];
      ended = counts[1];
      Status done =
          new Status(
              Phase.DONE, liveTotal, live, seen, ended, started, liveDone, clock.instant(), null);
      status.set(done);
      LOG.infof(
          "restored from S3: %d live task series, then %d ended tasks from %d index markers (%d ms)",
          live, ended, seen, done.finishedAt().toEpochMilli() - started.toEpochMilli());
    } catch (RuntimeException e) {
      Status s = status.get();
      status.set(
          new Status(
              Phase.FAILED,
              liveTotal,
              s.liveRestored(),
              s.markersSeen(),
              s.endedRestored(),
              started,
              s.liveDoneAt(),
              clock.instant(),
              String.valueOf(e.getMessage())));
      LOG.errorf(
          "could not rebuild the state from S3 (the series resume from S3 as tasks are captured): %s",
          e.getMessage());
    }
  }

  /** Progress so far. */
  public Status status() {
    return status.get();
  }
}
