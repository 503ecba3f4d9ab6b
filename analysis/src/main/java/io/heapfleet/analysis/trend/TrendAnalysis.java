package io.heapfleet.analysis.trend;

import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.histogram.ClassStats;
import io.heapfleet.analysis.report.Format;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Judges whether one JVM leaks from a series of its class histograms (from dumps or stored
 * summaries), ordered by each dump's own timestamp.
 *
 * <p>Method (see {@code docs/analysis.md}): for every class, fit its shallow bytes and instance
 * count against time by least squares. A class <em>grows steadily</em> when, over at least {@value
 * #MIN_DUMPS} dumps, its slope is positive, it grew in at least {@value #MIN_GROWING_SHARE} of the
 * intervals, the fit explains at least {@value #MIN_R2} of the variance (R²), the later half of the
 * series still grows at least {@value #MIN_LATE_RATIO} as fast as the whole (so a cache that filled
 * and stays full does not count), and the fitted growth over the series is at least {@value
 * #MIN_GROWTH_BYTES} bytes (so tiny JVM-internal drift does not count; {@value
 * #MIN_RUNTIME_GROWTH_BYTES} for V8's own {@link #V8_RUNTIME_GROUPS}), and its instance count does
 * not clearly fall (see {@link #MAX_INSTANCE_DROP_SHARE}: fewer, bigger arrays, such as the GC's
 * filler arrays, are not objects piling up). The verdict is {@code leaking} when a class grows
 * steadily, or when the total heap does by the same rule (growth spread over many classes); {@code
 * inconclusive} with fewer than {@value #MIN_DUMPS} dumps, or when the heap still rose in every
 * recent interval by more than its noise without meeting the leak rule (growth slowing but not
 * flat); otherwise {@code stable}. Judging per class is what finds a small steady leak inside a
 * large, noisy heap whose total wobbles. Stateless and thread-safe.
 */
public final class TrendAnalysis {
  /** Fewer dumps cannot tell steady growth from a single jump. */
  public static final int MIN_DUMPS = 3;

  public static final double MIN_GROWING_SHARE = 0.75;
  public static final double MIN_R2 = 0.8;
  public static final double MIN_LATE_RATIO = 0.5;
  public static final long MIN_GROWTH_BYTES = 64 * 1024;

  /**
   * V8's own groups of a Node.js snapshot that the engine fills as it runs, not the application:
   * {@code (compiled code)} (bytecode, baseline code, feedback vectors, IC handlers) and {@code
   * (system)}. A process compiles lazily and recompiles what it flushed, so these grow by tens of
   * KB per snapshot for a long while (measured on Node 20: +34 KiB per snapshot after 8 snapshots,
   * +19 KiB after 16); they count as growing steadily only past {@value #MIN_RUNTIME_GROWTH_BYTES}
   * bytes over the series (code generated per request, say), and are otherwise left out of the
   * whole-heap rule.
   */
  static final Set<String> V8_RUNTIME_GROUPS = Set.of("(compiled code)", "(system)");

  /** The growth over the series that {@link #V8_RUNTIME_GROUPS} must reach to count as steady. */
  public static final long MIN_RUNTIME_GROWTH_BYTES = 1024 * 1024;

  /** A class whose instance count falls by more than this share is not accumulating objects. */
  public static final double MAX_INSTANCE_DROP_SHARE = 0.05;

  /** Total-heap growth must also be at least this share of the mean heap to count on its own. */
  static final double MIN_HEAP_GROWTH_SHARE = 0.01;

  public static final int MAX_SUSPECTS = 20;

  private TrendAnalysis() {}

  /**
   * The trend of {@code histograms} (any order; sorted by timestamp here).
   *
   * @throws IllegalArgumentException when empty, or when several dumps all share one timestamp
   */
  public static TrendResult of(List<ClassHistogram> histograms) {
    if (histograms.isEmpty()) {
      throw new IllegalArgumentException("a trend needs at least one dump");
    }
    List<ClassHistogram> dumps = new ArrayList<>(histograms);
    dumps.sort(Comparator.comparing(ClassHistogram::timestamp));
    int n = dumps.size();
    long t0 = dumps.get(0).timestamp().toEpochMilli();
    double[] hours = new double[n];
    for (int i = 0; i < n; i++) {
      hours[i] = (dumps.get(i).timestamp().toEpochMilli() - t0) / 3_600_000.0;
    }
    double span = hours[n - 1];
    if (n > 1 && span <= 0) {
      throw new IllegalArgumentException(
          "all "
              + n
              + " dumps have the same timestamp; a trend needs dumps taken at different times");
    }
    List<Snapshot> snapshots = new ArrayList<>();
    double[] heap = new double[n];
    for (int i = 0; i < n; i++) {
      ClassHistogram h = dumps.get(i);
      snapshots.add(new Snapshot(h.timestamp(), h.shallowBytes(), h.instances()));
      heap[i] = h.shallowBytes();
    }
    // Growth "per dump" is read off a fit over the dump's position in the series, not time × the
    // mean interval: dumps are rarely evenly spaced, and a class that gains 5,000 objects between
    // every pair of dumps should read +5,000 per dump whatever the clock did.
    double[] position = new double[n];
    for (int i = 0; i < n; i++) {
      position[i] = i;
    }

    // Per class series; a class absent from a dump has zero there.
    Map<String, double[][]> perClass = new HashMap<>();
    for (int i = 0; i < n; i++) {
      for (ClassStats e : dumps.get(i).entries()) {
        double[][] s = perClass.computeIfAbsent(e.className(), k -> new double[2][n]);
        s[0][i] = e.shallowBytes();
        s[1][i] = e.instances();
      }
    }
    List<Suspect> suspects = new ArrayList<>();
    List<Suspect> levelledOff = new ArrayList<>();
    // Classes that grow in fewer, bigger arrays: ranked last and left out of the whole-heap rule.
    Set<String> fewerButBiggerClasses = new HashSet<>();
    // V8's own groups that grow, but not past their own bar: left out of the whole-heap rule.
    Set<String> runtimeDrift = new HashSet<>();
    for (Map.Entry<String, double[][]> e : perClass.entrySet()) {
      if (n < 2) {
        break;
      }
      Series bytes = Series.of(hours, e.getValue()[0]);
      if (bytes.slope() <= 0) {
        continue;
      }
      Series instances = Series.of(hours, e.getValue()[1]);
      boolean fewerButBigger = fewerButBigger(instances, e.getValue()[1], span);
      if (fewerButBigger) {
        fewerButBiggerClasses.add(e.getKey());
      }
      boolean runtimeGroup = V8_RUNTIME_GROUPS.contains(e.getKey());
      boolean steady =
          steady(bytes, n, span, runtimeGroup ? MIN_RUNTIME_GROWTH_BYTES : MIN_GROWTH_BYTES)
              && !fewerButBigger;
      if (runtimeGroup && !steady) {
        runtimeDrift.add(e.getKey());
      }
      Suspect s =
          new Suspect(
              e.getKey(),
              bytes.slope(),
              instances.slope(),
              bytes.steadiness(),
              bytes.growingSteps(),
              bytes.steps(),
              bytes.r2(),
              Series.slope(position, e.getValue()[0], 0, n),
              Series.slope(position, e.getValue()[1], 0, n),
              steady,
              (long) e.getValue()[0][n - 1],
              (long) e.getValue()[1][n - 1]);
      suspects.add(s);
      if (!steady && steadyButForTheEnd(bytes, n, span)) {
        levelledOff.add(s);
      }
    }
    // Steady growers first; classes that only grow in fewer, bigger arrays last, so they do not
    // crowd out the small classes that do pile up (a leak's own domain class, say).
    suspects.sort(
        Comparator.comparing(Suspect::steady)
            .reversed()
            .thenComparing((Suspect s) -> fewerButBiggerClasses.contains(s.className()))
            .thenComparing(
                (Suspect s) -> s.steady() ? s.bytesPerHour() : s.bytesPerHour() * s.steadiness(),
                Comparator.reverseOrder())
            .thenComparing(Suspect::className));
    // Classes growing in lockstep are one growth: its application class ranks with it.
    List<LockstepGroup> lockstep = Lockstep.groups(suspects, perClass, n);
    suspects = Lockstep.rank(suspects, lockstep);
    if (suspects.size() > MAX_SUSPECTS) {
      suspects = suspects.subList(0, MAX_SUSPECTS);
    }

    Series heapSeries = n > 1 ? Series.of(hours, heap) : new Series(0, 0, 0, 0, 0);
    double meanHeap = 0;
    for (double h : heap) {
      meanHeap += h / n;
    }
    long heapMinGrowth = Math.max(MIN_GROWTH_BYTES, (long) (MIN_HEAP_GROWTH_SHARE * meanHeap));
    // The whole-heap rule judges the heap without the fewer-but-bigger classes: on JDK 17 the GC's
    // filler int[]s alone can make a flat heap grow steadily (heapBytesPerHour still reports all).
    double[] judgedHeap = heap.clone();
    Set<String> leftOut = new HashSet<>(fewerButBiggerClasses);
    leftOut.addAll(runtimeDrift);
    for (String name : leftOut) {
      double[] bytes = perClass.get(name)[0];
      for (int i = 0; i < n; i++) {
        judgedHeap[i] -= bytes[i];
      }
    }
    Series judgedSeries = leftOut.isEmpty() || n < 2 ? heapSeries : Series.of(hours, judgedHeap);
    boolean heapSteady = steady(judgedSeries, n, span, heapMinGrowth);

    Assessment assessment;
    String reason;
    List<Suspect> steadyOnes = suspects.stream().filter(Suspect::steady).toList();
    if (n < MIN_DUMPS) {
      assessment = Assessment.INCONCLUSIVE;
      int more = MIN_DUMPS - n;
      reason =
          "Only "
              + n
              + (n == 1 ? " dump" : " dumps")
              + ": at least "
              + MIN_DUMPS
              + " are needed to tell steady growth from a one-off change"
              + (n == 2 ? "; the heap changed by " + Format.signedBytes(heap[1] - heap[0]) : "")
              + "; "
              + more
              + (more == 1 ? " more dump" : " more dumps")
              + (n == 2 ? " at this interval (" + Format.duration(interval(snapshots)) + ")" : "")
              + " will tell.";
    } else if (!steadyOnes.isEmpty()) {
      assessment = Assessment.LEAKING;
      Suspect top = steadyOnes.get(0);
      reason =
          top.className()
              + " grew in "
              + top.growingSteps()
              + " of "
              + top.steps()
              + " intervals (R² "
              + Format.ratio(top.r2())
              + "), about "
              + Format.bytesPerHour(top.bytesPerStep())
              + " and "
              + Format.signedCount(top.instancesPerStep())
              + " instances per dump ("
              + Format.signedBytes(top.bytesPerHour())
              + ")"
              + (steadyOnes.size() > 1
                  ? "; " + (steadyOnes.size() - 1) + " more class(es) grow steadily too"
                  : "")
              + ". The whole heap changes by "
              + Format.bytesPerHour(heapSeries.slope())
              + ".";
    } else if (heapSteady) {
      assessment = Assessment.LEAKING;
      reason =
          "The heap grew in "
              + judgedSeries.growingSteps()
              + " of "
              + judgedSeries.steps()
              + " intervals (R² "
              + Format.ratio(judgedSeries.r2())
              + "), "
              + Format.bytesPerHour(judgedSeries.slope())
              + ", spread over many classes with no single class growing steadily.";
    } else if (stillRising(judgedHeap, snapshots)) {
      // Not a steady leak, but not flat either: the heap still rises beyond its noise while its
      // growth slows (a cache still filling, or a leak that only looks like it slows). Saying
      // "stable" next to that rise is a contradiction; say what the next dumps will decide.
      assessment = Assessment.INCONCLUSIVE;
      reason = notFlatYetReason(judgedHeap, heapSeries, levelledOff, snapshots);
    } else {
      assessment = Assessment.STABLE;
      reason =
          stableReason(
              heap, heapSeries, judgedSeries, fewerButBiggerClasses, levelledOff, span, snapshots);
    }
    return new TrendResult(
        assessment,
        reason,
        n > 1 ? heapSeries.slope() : 0,
        heapSeries.steadiness(),
        snapshots,
        suspects,
        lockstep);
  }

  /**
   * Whether the heap still rises beyond its noise lately: it grew in each interval of the recent
   * window ({@link RecentGrowth#laterHalf}), by more than {@link RecentGrowth#noiseBytes} in all.
   */
  static boolean stillRising(double[] heap, List<Snapshot> snapshots) {
    int n = heap.length;
    // A plateau's band (10% of the range) can hide a tail that still rises in every interval: the
    // rise itself decides, not whether it stayed under the band.
    if (n < MIN_DUMPS) {
      return false;
    }
    int from = RecentGrowth.laterHalf(n);
    for (int i = from + 1; i < n; i++) {
      if (heap[i] <= heap[i - 1]) {
        return false;
      }
    }
    return heap[n - 1] - heap[from] > RecentGrowth.noiseBytes(heap);
  }

  private static String notFlatYetReason(
      double[] heap, Series heapSeries, List<Suspect> levelledOff, List<Snapshot> snapshots) {
    int n = heap.length;
    int from = RecentGrowth.laterHalf(n);
    // The figures people also see beside the verdict (recentHeapBytesPerHour, heapBytesPerHour).
    double recent = RecentGrowth.slopeFrom(snapshots, from);
    double overall = heapSeries.slope();
    String what =
        levelledOff.isEmpty()
            ? ""
            : " "
                + levelledOff.stream()
                    .max(Comparator.comparingDouble(Suspect::bytesPerHour))
                    .get()
                    .className()
                + " still grows, more slowly than before.";
    return "Not flat yet: "
        + Format.bytesPerHour(recent)
        + " over the last "
        + (n - from)
        + " dumps"
        + (recent < overall ? ", down from " : ", against ")
        + Format.bytesPerHour(overall)
        + " over all "
        + n
        + ", more than the heap's noise of "
        + Format.bytes(RecentGrowth.noiseBytes(heap))
        + "."
        + what
        + " "
        + RecentGrowth.MORE_DUMPS_TO_DECIDE
        + " more dumps at this interval ("
        + Format.duration(interval(snapshots))
        + ") will tell: no new high means warm-up, the same rise means a leak.";
  }

  /** The median interval between consecutive dumps (zero with fewer than two). */
  static Duration interval(List<Snapshot> snapshots) {
    int n = snapshots.size();
    if (n < 2) {
      return Duration.ZERO;
    }
    long[] gaps = new long[n - 1];
    for (int i = 1; i < n; i++) {
      gaps[i - 1] =
          snapshots.get(i).timestamp().toEpochMilli()
              - snapshots.get(i - 1).timestamp().toEpochMilli();
    }
    Arrays.sort(gaps);
    return Duration.ofMillis(gaps[gaps.length / 2]);
  }

  private static boolean steady(Series s, int n, double span, long minGrowth) {
    return n >= MIN_DUMPS
        && s.slope() > 0
        && s.growingSteps() >= MIN_GROWING_SHARE * s.steps()
        && s.r2() >= MIN_R2
        && s.lateSlope() >= MIN_LATE_RATIO * s.slope()
        && s.slope() * span >= minGrowth;
  }

  /**
   * Its bytes grow while its instance count clearly falls (by more than {@value
   * #MAX_INSTANCE_DROP_SHARE} of its mean count over the series): fewer, bigger arrays, not objects
   * piling up. On JDK 17 the usual cause is the GC's filler {@code int[]}s (dead space in retired
   * allocation buffers, which a heap dump still lists as arrays): {@code int[]} can grow by a MB
   * per dump with fewer instances each time while the reachable {@code int[]}s hold a few KB.
   */
  private static boolean fewerButBigger(Series instances, double[] counts, double span) {
    double mean = 0;
    for (double c : counts) {
      mean += c;
    }
    mean /= counts.length;
    return instances.slope() * span < -MAX_INSTANCE_DROP_SHARE * mean;
  }

  /** Grew materially overall but the later half no longer does: warm-up, not a leak. */
  private static boolean steadyButForTheEnd(Series s, int n, double span) {
    return n >= MIN_DUMPS
        && s.slope() > 0
        && s.slope() * span >= MIN_GROWTH_BYTES
        && s.lateSlope() < MIN_LATE_RATIO * s.slope();
  }

  private static String stableReason(
      double[] heap,
      Series heapSeries,
      Series judgedSeries,
      Set<String> fewerButBigger,
      List<Suspect> levelledOff,
      double span,
      List<Snapshot> snapshots) {
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    for (double h : heap) {
      min = Math.min(min, h);
      max = Math.max(max, h);
    }
    String swing = Format.bytes(max - min);
    if (!levelledOff.isEmpty()) {
      levelledOff.sort(Comparator.comparingDouble(Suspect::bytesPerHour).reversed());
      Suspect top = levelledOff.get(0);
      int flat = RecentGrowth.plateauStart(Assessment.STABLE, snapshots);
      return "No class grows steadily. "
          + top.className()
          + " grew early and then levelled off (the later dumps no longer grow at the earlier"
          + " rate): warm-up such as a cache filling, not a leak. "
          // A plateau's few wobbling dumps give a noisy slope: say when the heap went flat.
          + (flat >= 0
              ? "The heap has made no new high since "
                  + RecentGrowthText.time(snapshots.get(flat).timestamp())
                  + "."
              : fewerButBigger.isEmpty()
                  ? "The heap now changes by " + Format.bytesPerHour(heapSeries.lateSlope()) + "."
                  // The rest is fewer, bigger arrays (GC filler): judge, and say, without them.
                  : "Without "
                      + String.join(", ", fewerButBigger.stream().sorted().toList())
                      + " (fewer, bigger arrays: not objects piling up), the heap now changes by "
                      + Format.bytesPerHour(judgedSeries.lateSlope())
                      + ".");
    }
    if (heapSeries.steps() > 0 && heapSeries.growingSteps() < heapSeries.steps()) {
      return "No class grows steadily: the heap went up in "
          + heapSeries.growingSteps()
          + " of "
          + heapSeries.steps()
          + " intervals and down in the others (R² "
          + Format.ratio(Math.max(0, heapSeries.r2()))
          + "), within a "
          + swing
          + " range: fluctuation, not a leak.";
    }
    return "No class grows steadily; the heap moved within a " + swing + " range.";
  }
}
