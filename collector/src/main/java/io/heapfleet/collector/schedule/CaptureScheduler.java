package io.heapfleet.collector.schedule;

import io.heapfleet.collector.discovery.Target;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * Decides which task is captured when. Plain Java, no threads and no sleeping: the caller feeds it
 * the live task list ({@link #updateTargets}), asks for due work ({@link #takeDue}) and reports
 * each outcome ({@link #finished}); time comes from the injected {@link Clock}.
 *
 * <p>Rules: each live task once per interval (plus a random jitter so tasks are not paused in
 * lock-step); at most {@code parallelism} captures at once and at most {@code perService} per
 * service (a dump pauses the JVM: never pause a whole service); failures back off exponentially
 * with jitter, never sooner than a 429's {@code Retry-After}; a refused token (401) is retried only
 * on the next interval, so a wrong secret cannot cause a storm; on-demand requests jump the queue
 * but still respect the limits. Thread-safe (all methods synchronized).
 *
 * <p>With a {@link CapturePolicy} (the adaptive policy) the interval no longer decides: a task
 * whose jitter or backoff is over is asked of the policy, at most once per {@code recheck}, with
 * its {@link TaskHistory} from the {@link HistorySource}; it is started only when the policy says
 * so. Limits, backoff, the 401 rule and on-demand requests stay as above.
 */
public final class CaptureScheduler {

  /** Schedule settings, checked at construction. */
  public record Settings(
      Duration interval,
      Duration jitter,
      int parallelism,
      int perService,
      Duration backoffInitial,
      Duration backoffMax) {
    public Settings {
      requirePositive("interval", interval);
      Objects.requireNonNull(jitter, "jitter");
      if (jitter.isNegative()) {
        throw new IllegalArgumentException("jitter must not be negative, got " + jitter);
      }
      if (parallelism < 1) {
        throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
      }
      if (perService < 1) {
        throw new IllegalArgumentException("perService must be >= 1, got " + perService);
      }
      requirePositive("backoffInitial", backoffInitial);
      requirePositive("backoffMax", backoffMax);
    }

    private static void requirePositive(String name, Duration d) {
      if (d == null || d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive, got " + d);
      }
    }
  }

  /** How a capture ended, as far as scheduling is concerned. */
  public sealed interface Outcome {
    /** Stored. */
    record Success() implements Outcome {}

    /** Failed; try again after a backoff, not before {@code retryAfter} when the task said so. */
    record Failure(Optional<Duration> retryAfter) implements Outcome {}

    /** The task refused our token: retry only next interval. */
    record Unauthorized() implements Outcome {}
  }

  /** What changed in the task list. */
  public record Changes(List<Target> added, List<Target> removed) {}

  /** A read-only view of one task's schedule. */
  public record TaskSchedule(
      Target target, Instant nextDue, boolean running, int consecutiveFailures, boolean onDemand) {}

  /** Result of an on-demand request. */
  public enum Request {
    /** Queued; it starts as soon as the limits allow. */
    QUEUED,
    /** Already running; nothing to do. */
    ALREADY_RUNNING,
    /** No such live task. */
    UNKNOWN_TASK
  }

  /** Where the policy's view of a task comes from (stats series, stored dumps). */
  @FunctionalInterface
  public interface HistorySource {
    /**
     * @param lastSuccess the newest dump this scheduler stored, if any (the source may know a newer
     *     one, e.g. from S3)
     */
    TaskHistory history(Target target, Instant firstSeen, Optional<Instant> lastSuccess);

    /**
     * Asks the task, in the background, for a full collection (the policy's {@link
     * CapturePolicy.Decision#probe}); its fresh figures reach later histories. Returns at once.
     */
    default void probe(Target target) {}
  }

  private static final class State {
    Target target;
    Instant nextDue;
    boolean running;
    boolean onDemand;
    int failures;
    final Instant firstSeen;
    Instant lastSuccess;
    String reason = "";

    State(Target target, Instant nextDue, Instant firstSeen) {
      this.target = target;
      this.nextDue = nextDue;
      this.firstSeen = firstSeen;
    }
  }

  /** How soon a task is looked at again after a probe was asked of it (its answer decides). */
  static final Duration PROBE_RECHECK = Duration.ofSeconds(1);

  private final Settings settings;
  private volatile boolean scheduled = true;
  private final Clock clock;
  private final RandomGenerator random;
  private final Map<String, State> tasks = new LinkedHashMap<>();

  /** Captures still running for tasks that have gone from discovery; they hold their slots. */
  private final Map<String, State> departedRunning = new HashMap<>();

  private final CapturePolicy policy;
  private final HistorySource histories;
  private final Duration recheck;

  /** The fixed schedule: each task once per {@link Settings#interval()}. */
  public CaptureScheduler(Settings settings, Clock clock, RandomGenerator random) {
    this(settings, null, null, null, clock, random);
  }

  /**
   * A schedule that asks {@code policy} when each task is due.
   *
   * @param recheck how often a task the policy did not find due is asked again
   */
  public CaptureScheduler(
      Settings settings,
      CapturePolicy policy,
      HistorySource histories,
      Duration recheck,
      Clock clock,
      RandomGenerator random) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.policy = policy;
    if (policy != null) {
      this.histories = Objects.requireNonNull(histories, "histories");
      if (recheck == null || recheck.isNegative() || recheck.isZero()) {
        throw new IllegalArgumentException("recheck must be positive, got " + recheck);
      }
    } else {
      this.histories = null;
    }
    this.recheck = recheck;
  }

  /** The policy's name: {@code fixed} or the policy's. */
  public String policyName() {
    return policy == null ? "fixed" : policy.name();
  }

  /**
   * Replaces the live task list: new tasks become due within the jitter window, tasks missing from
   * {@code live} are dropped (their series ends); a known task's target (address) is refreshed.
   */
  public synchronized Changes updateTargets(List<Target> live) {
    Instant now = clock.instant();
    Map<String, Target> byId = new LinkedHashMap<>();
    for (Target t : live) {
      byId.put(t.taskId(), t);
    }
    List<Target> removed = new ArrayList<>();
    var it = tasks.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      if (!byId.containsKey(e.getKey())) {
        removed.add(e.getValue().target);
        if (e.getValue().running) {
          departedRunning.put(e.getKey(), e.getValue());
        }
        it.remove();
      }
    }
    List<Target> added = new ArrayList<>();
    for (Target t : byId.values()) {
      State s = tasks.get(t.taskId());
      if (s == null) {
        tasks.put(t.taskId(), new State(t, now.plus(jitter()), now));
        added.add(t);
      } else {
        s.target = t;
      }
    }
    return new Changes(added, removed);
  }

  /**
   * The tasks to start now, marked running. Due on-demand requests first, then the most overdue;
   * limited by the free overall and per-service slots.
   */
  public synchronized List<Target> takeDue() {
    Instant now = clock.instant();
    Map<String, Integer> runningPerService = new HashMap<>();
    int running = 0;
    for (State s : allRunning()) {
      running++;
      runningPerService.merge(s.target.service(), 1, Integer::sum);
    }
    List<State> due =
        tasks.values().stream()
            .filter(s -> !s.running && !s.nextDue.isAfter(now) && (scheduled || s.onDemand))
            .sorted(
                Comparator.comparing((State s) -> !s.onDemand)
                    .thenComparing(s -> s.nextDue)
                    .thenComparing(s -> s.target.taskId()))
            .collect(Collectors.toList());
    List<Target> start = new ArrayList<>();
    for (State s : due) {
      if (running >= settings.parallelism()) {
        break;
      }
      int inService = runningPerService.getOrDefault(s.target.service(), 0);
      if (inService >= settings.perService()) {
        continue;
      }
      if (policy != null && !s.onDemand && !policyDue(s, now)) {
        continue;
      }
      s.running = true;
      running++;
      runningPerService.put(s.target.service(), inService + 1);
      start.add(s.target);
    }
    return start;
  }

  private boolean policyDue(State s, Instant now) {
    CapturePolicy.Decision d =
        policy.due(
            now, histories.history(s.target, s.firstSeen, Optional.ofNullable(s.lastSuccess)));
    s.reason = d.reason();
    if (d.probe()) {
      histories.probe(s.target);
    }
    if (!d.due()) {
      Instant next = now.plus(d.probe() ? PROBE_RECHECK : recheck);
      if (d.lookAgain() != null && d.lookAgain().isAfter(now) && d.lookAgain().isBefore(next)) {
        next = d.lookAgain();
      }
      s.nextDue = next;
    }
    return d.due();
  }

  /** Why the policy last started, or did not start, a task's dump (empty for the fixed one). */
  public synchronized String lastReason(String taskId) {
    State s = tasks.get(taskId);
    return s == null ? "" : s.reason;
  }

  private List<State> allRunning() {
    List<State> r = new ArrayList<>(departedRunning.values());
    for (State s : tasks.values()) {
      if (s.running) {
        r.add(s);
      }
    }
    return r;
  }

  /** Records how a capture started by {@link #takeDue} ended and schedules the next one. */
  public synchronized void finished(String taskId, Outcome outcome) {
    if (departedRunning.remove(taskId) != null) {
      return;
    }
    State s = tasks.get(taskId);
    if (s == null || !s.running) {
      return;
    }
    Instant now = clock.instant();
    s.running = false;
    s.onDemand = false;
    if (outcome instanceof Outcome.Success) {
      s.failures = 0;
      s.lastSuccess = now;
      // The adaptive policy keeps its own minimum interval; the fixed schedule waits an interval.
      s.nextDue = policy != null ? now : now.plus(settings.interval()).plus(jitter());
    } else if (outcome instanceof Outcome.Unauthorized) {
      s.failures++;
      s.nextDue = now.plus(settings.interval()).plus(jitter());
    } else if (outcome instanceof Outcome.Failure f) {
      s.failures++;
      Duration delay = backoff(s.failures);
      if (f.retryAfter().isPresent() && f.retryAfter().get().compareTo(delay) > 0) {
        delay = f.retryAfter().get();
      }
      s.nextDue = now.plus(delay);
    }
  }

  /**
   * Exponential backoff with "equal jitter": half the delay fixed, half random, so retries from
   * many tasks spread out but never come back immediately.
   */
  Duration backoff(int failures) {
    long initial = settings.backoffInitial().toMillis();
    long max = settings.backoffMax().toMillis();
    int shift = Math.min(failures - 1, 30);
    long delay = initial > (max >> shift) ? max : Math.min(max, initial << shift);
    long half = delay / 2;
    return Duration.ofMillis(half + (half > 0 ? random.nextLong(half + 1) : 0));
  }

  private Duration jitter() {
    long max = settings.jitter().toMillis();
    return max <= 0 ? Duration.ZERO : Duration.ofMillis(random.nextLong(max + 1));
  }

  /**
   * Turns interval captures on or off; when off only {@link #requestNow on-demand} captures run
   * (tasks are still tracked).
   */
  public void setScheduled(boolean scheduled) {
    this.scheduled = scheduled;
  }

  /** Asks for a capture of {@code taskId} as soon as the limits allow. */
  public synchronized Request requestNow(String taskId) {
    State s = tasks.get(taskId);
    if (s == null) {
      return Request.UNKNOWN_TASK;
    }
    if (s.running) {
      return Request.ALREADY_RUNNING;
    }
    s.onDemand = true;
    s.nextDue = clock.instant();
    return Request.QUEUED;
  }

  /** The live tasks' schedules, in discovery order. */
  public synchronized List<TaskSchedule> schedules() {
    List<TaskSchedule> out = new ArrayList<>();
    for (State s : tasks.values()) {
      out.add(new TaskSchedule(s.target, s.nextDue, s.running, s.failures, s.onDemand));
    }
    return out;
  }

  /** One live task's schedule. */
  public synchronized Optional<TaskSchedule> schedule(String taskId) {
    State s = tasks.get(taskId);
    return s == null
        ? Optional.empty()
        : Optional.of(new TaskSchedule(s.target, s.nextDue, s.running, s.failures, s.onDemand));
  }

  /** Ids of the live tasks. */
  public synchronized Set<String> liveTaskIds() {
    return Set.copyOf(tasks.keySet());
  }

  /** Targets whose capture is running now (including tasks that have since gone). */
  public synchronized List<Target> runningTargets() {
    List<Target> out = new ArrayList<>();
    for (State s : allRunning()) {
      out.add(s.target);
    }
    return out;
  }

  /** Captures running now (including tasks that have since gone). */
  public synchronized int runningCount() {
    return allRunning().size();
  }
}
