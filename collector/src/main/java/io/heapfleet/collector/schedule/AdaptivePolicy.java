package io.heapfleet.collector.schedule;

import io.heapfleet.analysis.report.Format;
import io.heapfleet.analysis.trend.Assessment;
import io.heapfleet.collector.stats.OldGenTrend;
import io.heapfleet.collector.stats.StatsSample;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Dumps a task when its heap says so, judged from its stats series (old generation after GC), in
 * this order:
 *
 * <ol>
 *   <li>not before the task's stored history is known (after a restart: no second baseline);
 *   <li>a <b>baseline</b> dump {@code baselineAfter} after the task is first seen, or at once when
 *       its stats say its process has run that long already;
 *   <li>never sooner than {@code minInterval} after the last dump (each dump pauses the task);
 *   <li>a dump after {@code maxInterval} whatever the stats say (safety net);
 *   <li>without stats for {@code fallbackInterval} (the task serves none, or they fail), a dump per
 *       {@code fallbackInterval}, as the fixed schedule would;
 *   <li>a dump when old-gen-after-GC has grown by {@code max(growthMinBytes, growthFraction x heap
 *       max)} since the last dump;
 *   <li>for a task that runs a full collection on request ({@code GET /heapdump/stats?gc=full}):
 *       when the old generation in use is the threshold above its after-GC figure (or, once per
 *       minimum interval when it is over, anything above it), a <b>probe</b> (that collection, a
 *       fraction of a dump's pause), at most one forced collection per {@code probeInterval}; its
 *       fresh after-GC figure then decides through the previous rule. For other tasks: while the
 *       old generation has not been collected since the last dump (its after-GC figure is stale:
 *       Serial and Parallel refresh it only at a full GC), a dump when the old generation <i>in use
 *       now</i> ({@code oldGenUsed}) exceeds the after-GC figure the dump left by that same
 *       threshold: objects promoted since the dump are either a leak or garbage that no collection
 *       has removed yet, and a dump (which runs a full GC) tells which (when it found mostly
 *       garbage, this rule rests until the next dump);
 *   <li>a dump when old-gen-after-GC has risen steadily ({@link OldGenTrend} {@code leaking}) over
 *       the whole trend window since the last dump.
 * </ol>
 *
 * A task whose old generation stays flat therefore gets its baseline and then one dump per {@code
 * maxInterval}. Immutable.
 */
public final class AdaptivePolicy implements CapturePolicy {

  /** The policy's settings, checked at construction. */
  public record Settings(
      Duration baselineAfter,
      Duration minInterval,
      Duration maxInterval,
      Duration fallbackInterval,
      long growthMinBytes,
      double growthFraction,
      OldGenTrend.Thresholds trend,
      Duration probeInterval) {
    /** Settings without probes: a stale after-GC figure is settled by a dump (rule 7). */
    public Settings(
        Duration baselineAfter,
        Duration minInterval,
        Duration maxInterval,
        Duration fallbackInterval,
        long growthMinBytes,
        double growthFraction,
        OldGenTrend.Thresholds trend) {
      this(
          baselineAfter,
          minInterval,
          maxInterval,
          fallbackInterval,
          growthMinBytes,
          growthFraction,
          trend,
          Duration.ZERO);
    }

    public Settings {
      Objects.requireNonNull(baselineAfter, "baselineAfter");
      if (baselineAfter.isNegative()) {
        throw new IllegalArgumentException("baselineAfter must not be negative: " + baselineAfter);
      }
      positive("minInterval", minInterval);
      positive("maxInterval", maxInterval);
      positive("fallbackInterval", fallbackInterval);
      if (maxInterval.compareTo(minInterval) < 0) {
        throw new IllegalArgumentException(
            "maxInterval (" + maxInterval + ") must be >= minInterval (" + minInterval + ")");
      }
      if (growthMinBytes < 1) {
        throw new IllegalArgumentException("growthMinBytes must be >= 1, got " + growthMinBytes);
      }
      if (growthFraction < 0 || growthFraction >= 1) {
        throw new IllegalArgumentException(
            "growthFraction must be in [0, 1), got " + growthFraction);
      }
      Objects.requireNonNull(trend, "trend");
      Objects.requireNonNull(probeInterval, "probeInterval");
      if (probeInterval.isNegative()) {
        throw new IllegalArgumentException("probeInterval must not be negative: " + probeInterval);
      }
    }

    /** Whether tasks may be asked for a full collection at all (a positive probe interval). */
    public boolean probes() {
      return !probeInterval.isZero();
    }

    private static void positive(String name, Duration d) {
      if (d == null || d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive, got " + d);
      }
    }
  }

  /** How soon a task whose stored history is being read is looked at again. */
  static final Duration HISTORY_RECHECK = Duration.ofSeconds(1);

  /** Promoted bytes that make the one probe after the minimum interval worth its pause. */
  static final long EAGER_PROBE_MIN_BYTES = 1L << 20;

  /**
   * How long before the minimum interval is over that probe may run, so that its answer is in when
   * the interval allows the dump.
   */
  static final Duration EAGER_PROBE_LEAD = Duration.ofSeconds(5);

  private final Settings settings;

  public AdaptivePolicy(Settings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  public Settings settings() {
    return settings;
  }

  @Override
  public String name() {
    return "adaptive";
  }

  @Override
  public Decision due(Instant now, TaskHistory h) {
    if (!h.statsReady()) {
      // The first poll reads it within moments: look again soon, not after a whole recheck.
      return Decision.notDueUntil("stored history not read yet", now.plus(HISTORY_RECHECK));
    }
    if (h.lastDump().isEmpty()) {
      // The wait skips a task's start-up: one found already running that long needs none.
      Instant from = h.started().filter(st -> st.isBefore(h.firstSeen())).orElse(h.firstSeen());
      Instant baseline = from.plus(settings.baselineAfter());
      return now.isBefore(baseline)
          ? Decision.notDueUntil("baseline not due yet", baseline)
          : Decision.due("baseline");
    }
    Instant last = h.lastDump().get();
    Duration since = Duration.between(last, now);
    List<StatsSample> samples = h.samples();
    double threshold =
        Math.max(settings.growthMinBytes(), settings.growthFraction() * Math.max(0, h.heapMax()));
    boolean probes = settings.probes() && h.probeable();
    if (since.compareTo(settings.minInterval()) < 0) {
      // A probe now readies the figure that decides the dump when the interval is over.
      Decision wait =
          Decision.notDueUntil("minimum interval not over", last.plus(settings.minInterval()));
      return probes ? promotedSinceCollection(h, samples, last, now, threshold).orElse(wait) : wait;
    }
    if (since.compareTo(settings.maxInterval()) >= 0) {
      return Decision.due("maximum interval");
    }
    Instant statsFrom = now.minus(settings.fallbackInterval());
    boolean recentStats =
        samples.stream().anyMatch(s -> s.oldGenAfterGc() >= 0 && !s.time().isBefore(statsFrom));
    if (!recentStats) {
      return since.compareTo(settings.fallbackInterval()) >= 0
          ? Decision.due("no stats: fallback interval")
          : Decision.notDue("no stats; fallback interval not over");
    }
    Optional<Long> before = oldGenAt(samples, last);
    StatsSample latest = latestWithOldGen(samples);
    if (before.isPresent() && latest.time().isAfter(last)) {
      long grown = latest.oldGenAfterGc() - before.get();
      if (grown >= threshold) {
        return Decision.due(
            String.format(
                Locale.ROOT,
                "old gen after GC %s since the last dump (threshold %s)",
                Format.signedBytes(grown),
                Format.bytes(threshold)));
      }
    }
    Optional<Decision> occupancy =
        probes
            ? promotedSinceCollection(h, samples, last, now, threshold)
            : occupancyGrowth(samples, last, threshold);
    if (occupancy.isPresent()) {
      return occupancy.get();
    }
    if (since.compareTo(settings.trend().window()) >= 0) {
      Optional<OldGenTrend> trend =
          OldGenTrend.of(samples, h.heapMax(), now, settings.trend())
              .filter(t -> t.assessment() == Assessment.LEAKING);
      if (trend.isPresent()) {
        return Decision.due(
            String.format(
                Locale.ROOT,
                "old gen after GC rises steadily: %s (R² %.2f)",
                Format.bytesPerHour(trend.get().bytesPerHour()),
                trend.get().r2()));
      }
    }
    return Decision.notDue("old gen after GC has not grown enough");
  }

  /**
   * Rule 7 for a task that runs a full collection on request: when the old generation in use is
   * {@code threshold} above its after-GC figure (what young collections promoted since the last
   * old-generation collection: a leak, or garbage no collection has removed yet) and the after-GC
   * figure has not already grown by the threshold since the last dump, a probe (a full collection,
   * far cheaper than a dump) tells which; its fresh figure then decides through rule 6. When the
   * minimum interval is about to be over (5 s before), one probe as soon as anything (1 MiB) has
   * been promoted, so that a leak is dumped when the interval allows rather than at a later
   * promotion. At most one forced collection, dump or probe, per {@code probeInterval}.
   */
  private Optional<Decision> promotedSinceCollection(
      TaskHistory h, List<StatsSample> samples, Instant last, Instant now, double threshold) {
    StatsSample newest = null;
    for (int i = samples.size() - 1; i >= 0; i--) {
      StatsSample s = samples.get(i);
      if (s.oldGenAfterGc() >= 0 && s.oldGenUsed() >= 0) {
        newest = s;
        break;
      }
    }
    if (newest == null || !newest.time().isAfter(last)) {
      return Optional.empty();
    }
    Optional<Long> atDump = oldGenAt(samples, last);
    if (atDump.isPresent() && newest.oldGenAfterGc() - atDump.get() >= threshold) {
      return Optional.empty(); // the growth is known already: rule 6 decides
    }
    long promoted = newest.oldGenUsed() - newest.oldGenAfterGc();
    // Young collections promote only now and then, so the old generation in use shows a leak
    // late; when the minimum interval is over, one probe with anything promoted at all tells
    // whether a dump is due now rather than a promotion later.
    Instant intervalOver = last.plus(settings.minInterval());
    boolean onceAfterInterval =
        !now.isBefore(intervalOver.minus(EAGER_PROBE_LEAD))
            && h.lastProbe().map(p -> p.isBefore(intervalOver)).orElse(true)
            && promoted >= Math.min(threshold, EAGER_PROBE_MIN_BYTES);
    if (promoted < threshold && !onceAfterInterval) {
      return Optional.empty();
    }
    Instant lastForced = h.lastProbe().filter(p -> p.isAfter(last)).orElse(last);
    if (now.isBefore(lastForced.plus(settings.probeInterval()))) {
      return Optional.of(Decision.notDue("waiting for the probe interval"));
    }
    return Optional.of(
        Decision.probe(
            String.format(
                Locale.ROOT,
                "old gen in use %s above its after-GC figure (threshold %s): a full collection"
                    + " will tell growth from garbage",
                Format.signedBytes(promoted),
                Format.bytes(threshold))));
  }

  /**
   * The second trigger, for a stale after-GC figure: the first sample after the last dump (the
   * dump's full GC has run) gives the old generation the dump left; when no old-generation
   * collection has run since (the after-GC figure and the major collection count are the same in
   * the newest sample) and the old generation in use now is {@code threshold} above it, a dump is
   * due.
   */
  private static Optional<Decision> occupancyGrowth(
      List<StatsSample> samples, Instant last, double threshold) {
    StatsSample first = null;
    StatsSample newest = null;
    for (StatsSample s : samples) {
      if (s.time().isAfter(last) && s.oldGenAfterGc() >= 0 && s.oldGenUsed() >= 0) {
        if (first == null) {
          first = s;
        }
        newest = s;
      }
    }
    if (first == null || newest == first || refutedByLastDump(samples, last, first, threshold)) {
      return Optional.empty();
    }
    boolean stale =
        newest.oldGenAfterGc() == first.oldGenAfterGc()
            && (newest.majorGcCount() < 0
                || first.majorGcCount() < 0
                || newest.majorGcCount() == first.majorGcCount());
    long grown = newest.oldGenUsed() - first.oldGenAfterGc();
    if (!stale || grown < threshold) {
      return Optional.empty();
    }
    return Optional.of(
        Decision.due(
            String.format(
                Locale.ROOT,
                "old gen in use %s since the last dump, no old-generation GC since"
                    + " (threshold %s)",
                Format.signedBytes(grown),
                Format.bytes(threshold))));
  }

  /**
   * Whether the last dump was one this rule would have asked for (the old generation in use then
   * was {@code threshold} above the after-GC figure) and its full GC found that growth to be mostly
   * garbage (the after-GC figure it left is less than {@code threshold} above the one before). Then
   * the rule rests until the next dump: a service whose young GCs promote garbage into an old
   * generation that is rarely collected costs one such dump per stale period, not one per minimum
   * interval.
   */
  private static boolean refutedByLastDump(
      List<StatsSample> samples, Instant last, StatsSample afterDump, double threshold) {
    StatsSample before = null;
    for (StatsSample s : samples) {
      if (s.time().isAfter(last)) {
        break;
      }
      if (s.oldGenAfterGc() >= 0 && s.oldGenUsed() >= 0) {
        before = s;
      }
    }
    if (before == null) {
      return false;
    }
    boolean looked = before.oldGenUsed() - before.oldGenAfterGc() >= threshold;
    boolean found = afterDump.oldGenAfterGc() - before.oldGenAfterGc() >= threshold;
    return looked && !found;
  }

  /**
   * The old-gen-after-GC figure the last dump left. A dump runs a full collection first, so the
   * first sample after it whose major collection count has moved past the one before the dump holds
   * the figure that collection left; otherwise (no such sample yet, or counts not reported) the
   * newest sample at or before the dump, or else the first one after it. Taking the figure from
   * before the dump would count growth that the dump itself already saw as new.
   */
  private static Optional<Long> oldGenAt(List<StatsSample> samples, Instant at) {
    StatsSample before = null;
    for (StatsSample s : samples) {
      if (s.oldGenAfterGc() < 0) {
        continue;
      }
      if (!s.time().isAfter(at)) {
        before = s;
        continue;
      }
      boolean dumpsCollection =
          before != null && before.majorGcCount() >= 0 && s.majorGcCount() > before.majorGcCount();
      return Optional.of(
          before == null || dumpsCollection ? s.oldGenAfterGc() : before.oldGenAfterGc());
    }
    return Optional.ofNullable(before).map(StatsSample::oldGenAfterGc);
  }

  private static StatsSample latestWithOldGen(List<StatsSample> samples) {
    for (int i = samples.size() - 1; i >= 0; i--) {
      if (samples.get(i).oldGenAfterGc() >= 0) {
        return samples.get(i);
      }
    }
    throw new IllegalStateException("no sample with an old-gen figure");
  }
}
