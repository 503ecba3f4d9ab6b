package io.heapfleet.collector.queue;

import io.heapfleet.collector.discovery.Discovery;
import io.heapfleet.collector.discovery.LogSafe;
import io.heapfleet.collector.discovery.Target;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * Plans captures for the workers: refreshes discovery, asks the capture policy ({@link
 * DueCaptures}) which tasks are due, and sends one message per due task to the FIFO queue. It runs
 * in one process (a collector with the planner role); a second planner for a while (a deployment)
 * is harmless, since a task and its due slot make the deduplication id and a worker skips a slot
 * already stored. Also publishes the live task list for the workers' API ({@link FleetIndex}).
 * Thread-safe ({@link #planRound} is synchronized).
 */
public final class QueuePlanner {
  private static final Logger LOG = Logger.getLogger(QueuePlanner.class);

  /** What one round did. */
  public record Round(int liveTasks, int queued, boolean discovered, Duration took) {}

  private final Discovery discovery;
  private final DueCaptures due;
  private final CaptureQueue queue;
  private final FleetIndex index;
  private final Duration interval;
  private final Duration refresh;
  private final Clock clock;
  private Instant nextRefresh = Instant.MIN;
  private List<Target> live = List.of();
  private String lastError;

  /**
   * @param index where the live task list is published for the workers; {@code null} = nowhere
   * @param interval the capture interval (the size of a due slot)
   * @param refresh how often discovery is refreshed
   */
  public QueuePlanner(
      Discovery discovery,
      DueCaptures due,
      CaptureQueue queue,
      FleetIndex index,
      Duration interval,
      Duration refresh,
      Clock clock) {
    this.discovery = Objects.requireNonNull(discovery, "discovery");
    this.due = Objects.requireNonNull(due, "due");
    this.queue = Objects.requireNonNull(queue, "queue");
    this.index = index;
    this.interval = Objects.requireNonNull(interval, "interval");
    this.refresh = Objects.requireNonNull(refresh, "refresh");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** One round: discovery when due, then queue what is due. Never throws. */
  public synchronized Round planRound() {
    long t0 = System.nanoTime();
    Instant now = clock.instant();
    boolean discovered = false;
    if (!now.isBefore(nextRefresh)) {
      nextRefresh = now.plus(refresh);
      discovered = refreshDiscovery();
    }
    List<Target> taken = due.takeDue();
    List<CaptureMessage> messages = new ArrayList<>(taken.size());
    for (Target t : taken) {
      messages.add(CaptureMessage.due(t, now, interval));
    }
    boolean accepted = true;
    try {
      if (!messages.isEmpty()) {
        queue.send(messages);
      }
    } catch (RuntimeException e) {
      // Some of a batch may have gone through; queuing them again is deduplicated by SQS.
      accepted = false;
      LOG.warnf("%d due captures not queued, retried after a backoff: %s", taken.size(), e);
    }
    for (Target t : taken) {
      due.queued(t.taskId(), accepted);
    }
    if (!taken.isEmpty() && accepted) {
      LOG.debugf("queued %d captures", taken.size());
    }
    return new Round(
        live.size(),
        accepted ? taken.size() : 0,
        discovered,
        Duration.ofNanos(System.nanoTime() - t0));
  }

  private boolean refreshDiscovery() {
    try {
      List<Target> found = discovery.discover();
      due.live(found);
      live = List.copyOf(found);
      lastError = null;
      if (index != null) {
        index.publishLive(live);
      }
      return true;
    } catch (RuntimeException e) {
      String msg = String.valueOf(e.getMessage());
      if (!msg.equals(lastError)) {
        LOG.warnf(
            "discovery failed (%s), planning from the previous task list: %s",
            discovery.describe(), LogSafe.text(msg));
      }
      lastError = msg;
      return false;
    }
  }

  /** The tasks discovery saw last. */
  public synchronized List<Target> live() {
    return live;
  }
}
