package io.heapfleet.collector.stats;

import io.heapfleet.collector.discovery.LogSafe;
import io.heapfleet.collector.discovery.Target;
import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.TaskArtifact;
import io.heapfleet.storage.TaskRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Polls every live task's stats once per {@code interval} with at most {@code concurrency} requests
 * at once, keeps each task's {@link StatsSeries} in memory, and persists each series to S3 ({@code
 * stats.json} beside the task's dumps) at most once per {@code persistEvery} and only when it has
 * new samples: polling never writes to S3 per poll. A task seen for the first time (also after a
 * restart) has its stored series read back once before its first poll, so the series and the
 * knowledge of its last dump survive a restart; until that read has succeeded the task is not
 * {@link #ready}. A task that leaves discovery has its series persisted and dropped from memory.
 * Thread-safe.
 */
public final class StatsPoller {
  private static final Logger LOG = Logger.getLogger(StatsPoller.class);

  /**
   * Settings.
   *
   * @param interval how often each task is polled
   * @param concurrency polls at once
   * @param capacity samples kept per task (older ones drop out)
   * @param persistEvery how often a task's series with new samples is rewritten to S3
   */
  public record Settings(Duration interval, int concurrency, int capacity, Duration persistEvery) {
    public Settings {
      positive("interval", interval);
      positive("persistEvery", persistEvery);
      if (concurrency < 1) {
        throw new IllegalArgumentException("concurrency must be >= 1, got " + concurrency);
      }
      if (capacity < 2) {
        throw new IllegalArgumentException("capacity must be >= 2, got " + capacity);
      }
    }

    private static void positive(String name, Duration d) {
      if (d == null || d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive, got " + d);
      }
    }
  }

  /** Hears about every poll and every S3 write (metrics). */
  public interface Listener {
    void polled(Target target, StatsClient.Result result);

    void persisted(boolean ok);

    /** A sample was added to the task's series. */
    default void sampled(Target target, StatsSeries series) {}

    /** A task was asked to run a full collection ({@link StatsPoller#probe}). */
    default void probed(Target target, StatsClient.Result result) {}

    Listener NONE =
        new Listener() {
          @Override
          public void polled(Target target, StatsClient.Result result) {}

          @Override
          public void persisted(boolean ok) {}
        };
  }

  private static final class TaskEntry {
    volatile StatsSeries series;
    volatile Instant persistedAt = Instant.MIN;
    volatile String lastFailure = "";
    volatile Instant lastProbe;

    /** When the task's process started, from its newest uptime figure. */
    volatile Instant started;

    /** Null until a probe has been answered; false when the task runs no collection on request. */
    volatile Boolean probes;

    final AtomicBoolean probing = new AtomicBoolean();
    Target target;
  }

  private final StatsClient client;
  private final DumpStore store;
  private final ExecutorService workers;
  private final Clock clock;
  private final Settings settings;
  private final List<Listener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Map<String, TaskEntry> tasks = new ConcurrentHashMap<>();
  private final AtomicBoolean roundRunning = new AtomicBoolean();
  private volatile Instant nextRound = Instant.MIN;

  public StatsPoller(
      StatsClient client,
      DumpStore store,
      ExecutorService workers,
      Clock clock,
      Settings settings,
      Listener listener) {
    this.client = Objects.requireNonNull(client, "client");
    this.store = Objects.requireNonNull(store, "store");
    this.workers = Objects.requireNonNull(workers, "workers");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.settings = Objects.requireNonNull(settings, "settings");
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Adds a listener (the engine's, which turns samples into verdicts). */
  public void addListener(Listener l) {
    listeners.add(Objects.requireNonNull(l, "listener"));
  }

  public Settings settings() {
    return settings;
  }

  /**
   * Starts a round in the background when one is due and none is running; returns at once. Called
   * on every collector tick.
   */
  public void maybePoll(List<Target> live) {
    Instant now = clock.instant();
    if (now.isBefore(nextRound) || !roundRunning.compareAndSet(false, true)) {
      return;
    }
    nextRound = now.plus(settings.interval());
    List<Target> copy = List.copyOf(live);
    Thread t =
        new Thread(
            () -> {
              try {
                pollRound(copy);
              } finally {
                roundRunning.set(false);
              }
            },
            "heapfleet-stats-round");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Polls every task of {@code live} once (at most {@code concurrency} at once), persists the
   * series that are due, and forgets tasks no longer live (persisting them first). Blocks until
   * done.
   */
  public void pollRound(List<Target> live) {
    Set<String> ids = ConcurrentHashMap.newKeySet();
    List<Future<?>> pending = new ArrayList<>();
    java.util.concurrent.Semaphore permits =
        new java.util.concurrent.Semaphore(settings.concurrency());
    for (Target t : live) {
      ids.add(t.taskId());
      try {
        permits.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      try {
        pending.add(
            workers.submit(
                () -> {
                  try {
                    pollOne(t);
                  } finally {
                    permits.release();
                  }
                }));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        permits.release();
      }
    }
    for (Future<?> f : pending) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (java.util.concurrent.ExecutionException e) {
        LOG.warnf("stats poll failed: %s", LogSafe.text(String.valueOf(e.getCause())));
      }
    }
    for (var it = tasks.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!ids.contains(e.getKey())) {
        persist(e.getValue(), true);
        client.forget(e.getKey());
        it.remove();
      }
    }
  }

  private void pollOne(Target t) {
    TaskEntry e = tasks.computeIfAbsent(t.taskId(), id -> new TaskEntry());
    e.target = t;
    if (e.series == null && !load(t, e)) {
      return;
    }
    StatsClient.Result r = client.poll(t);
    listeners.forEach(l -> l.polled(t, r));
    if (r.outcome() == StatsClient.Outcome.OK) {
      e.lastFailure = "";
      record(t, e, r.sample());
    } else if (!r.outcome().tag().equals(e.lastFailure)) {
      e.lastFailure = r.outcome().tag();
      LOG.debugf("stats of %s: %s (%s)", t.taskId(), r.outcome().tag(), LogSafe.text(r.message()));
    }
    persist(e, false);
  }

  /**
   * Asks the task, in the background, to run a full collection and answer its stats ({@link
   * StatsClient#probe}); the sample joins its series like a poll's. Returns at once; false when the
   * task is not polled yet, a probe of it is already running, or it has said that it runs no
   * collection on request.
   */
  public boolean probe(Target t) {
    TaskEntry e = tasks.get(t.taskId());
    if (e == null || e.series == null || Boolean.FALSE.equals(e.probes)) {
      return false;
    }
    if (!e.probing.compareAndSet(false, true)) {
      return false;
    }
    try {
      workers.submit(
          () -> {
            try {
              probeOne(t, e);
            } finally {
              e.probing.set(false);
            }
          });
      return true;
    } catch (java.util.concurrent.RejectedExecutionException stopped) {
      e.probing.set(false);
      return false;
    }
  }

  private void probeOne(Target t, TaskEntry e) {
    e.lastProbe = clock.instant();
    StatsClient.Result r = client.probe(t);
    listeners.forEach(l -> l.probed(t, r));
    if (r.outcome() != StatsClient.Outcome.OK) {
      LOG.debugf("probe of %s: %s (%s)", t.taskId(), r.outcome().tag(), LogSafe.text(r.message()));
      return;
    }
    record(t, e, r.sample());
    if (r.gc().forced()) {
      e.probes = true;
      LOG.debugf("probe of %s: a full collection of %d ms", t.taskId(), r.gc().pauseMs());
    } else {
      e.probes = false;
      LOG.infof(
          "task %s runs no full collection on request (%s): the adaptive policy dumps it to tell"
              + " growth from garbage",
          t.taskId(), LogSafe.text(r.gc().reason()));
    }
  }

  /** Adds a poll's or a probe's sample to the task's series, and tells the listeners. */
  private void record(Target t, TaskEntry e, StatsSample sample) {
    e.series.add(sample);
    if (sample.uptimeMs() >= 0) {
      e.started = sample.time().minusMillis(sample.uptimeMs());
    }
    listeners.forEach(l -> l.sampled(t, e.series));
  }

  /** When the task's process started, as its newest stats said, if known. */
  public Optional<Instant> started(String taskId) {
    TaskEntry e = tasks.get(taskId);
    return e == null ? Optional.empty() : Optional.ofNullable(e.started);
  }

  /** When the task was last asked for a full collection, if ever (by this collector). */
  public Optional<Instant> lastProbe(String taskId) {
    TaskEntry e = tasks.get(taskId);
    return e == null ? Optional.empty() : Optional.ofNullable(e.lastProbe);
  }

  /** Whether the task may be asked for a full collection: not known to refuse it. */
  public boolean probeable(String taskId) {
    TaskEntry e = tasks.get(taskId);
    return e != null && e.series != null && !Boolean.FALSE.equals(e.probes);
  }

  private boolean load(Target t, TaskEntry e) {
    try {
      Optional<String> json = store.readArtifact(ref(t), TaskArtifact.STATS_JSON);
      StatsSeries s = new StatsSeries(t.taskId(), settings.capacity());
      if (json.isPresent()) {
        try {
          s = StatsSeries.fromJson(json.get(), t.taskId(), settings.capacity());
        } catch (IllegalArgumentException bad) {
          LOG.warnf(
              "stored stats series of %s is unreadable, starting a new one: %s",
              t.taskId(), LogSafe.text(bad.getMessage()));
        }
      }
      e.persistedAt = clock.instant();
      e.series = s;
      return true;
    } catch (RuntimeException ex) { // S3 unreachable: not ready, try again next round
      LOG.debugf("stats series of %s not read yet: %s", t.taskId(), ex.getMessage());
      return false;
    }
  }

  private void persist(TaskEntry e, boolean now) {
    StatsSeries s = e.series;
    if (s == null || !s.dirty()) {
      return;
    }
    Instant t = clock.instant();
    if (!now && t.isBefore(e.persistedAt.plus(settings.persistEvery()))) {
      return;
    }
    try {
      store.putArtifact(ref(e.target), TaskArtifact.STATS_JSON, s.toJson(true));
      e.persistedAt = t;
      listeners.forEach(l -> l.persisted(true));
    } catch (RuntimeException ex) {
      listeners.forEach(l -> l.persisted(false));
      LOG.warnf("stats series of %s not written (retried later): %s", s.taskId(), ex.getMessage());
    }
  }

  private static TaskRef ref(Target t) {
    return new TaskRef(t.cluster(), t.service(), t.taskId());
  }

  /** Writes every series with new samples now (at shutdown). */
  public void flush() {
    tasks.values().forEach(e -> persist(e, true));
  }

  /** Whether the task's stored series has been read (its history is known). */
  public boolean ready(String taskId) {
    TaskEntry e = tasks.get(taskId);
    return e != null && e.series != null;
  }

  /** The task's series, if it is polled. */
  public Optional<StatsSeries> series(String taskId) {
    TaskEntry e = tasks.get(taskId);
    return e == null ? Optional.empty() : Optional.ofNullable(e.series);
  }

  /**
   * Records a stored dump in the task's series and writes the series at once, so that a collector
   * restarted right after the dump knows it (one S3 write per dump).
   */
  public void dumpStored(String taskId, Instant at) {
    TaskEntry e = tasks.get(taskId);
    if (e != null && e.series != null) {
      e.series.dumpStored(at);
      persist(e, true);
    }
  }
}
