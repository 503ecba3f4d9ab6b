package io.heapfleet.analysis.trend;

import java.util.List;

/**
 * The heap's growth lately, as opposed to over the whole series: a cache that filled during warm-up
 * has a large overall slope but a flat heap since, and people should see the second number next to
 * a {@code stable} verdict. Finds where such a plateau starts and fits the slope after it.
 * Stateless and thread-safe.
 *
 * <p>A plateau starts at the earliest dump {@code k} such that: the trend is {@code stable} with at
 * least {@value TrendAnalysis#MIN_DUMPS} dumps; at least {@value #MIN_FLAT_DUMPS} dumps from {@code
 * k} on stay within a band of {@code max(64 KB, 1% of the mean heap, 10% of the series' range)};
 * and the heap rose before {@code k} by more than that band and by {@value #MIN_RISE_TO_BAND} times
 * the band actually used (so fluctuation does not pass for warm-up).
 */
final class RecentGrowth {
  /** A plateau needs this many dumps (two intervals), the same minimum a trend needs. */
  static final int MIN_FLAT_DUMPS = TrendAnalysis.MIN_DUMPS;

  /** Share of the series' range the heap may wobble within and still count as flat. */
  static final double FLAT_SHARE_OF_RANGE = 0.1;

  static final double MIN_RISE_TO_BAND = 3;

  private RecentGrowth() {}

  /** Index of the first dump of the plateau, or -1 when the heap did not level off after a rise. */
  static int plateauStart(Assessment assessment, List<Snapshot> snapshots) {
    int n = snapshots.size();
    if (assessment != Assessment.STABLE || n < TrendAnalysis.MIN_DUMPS) {
      return -1;
    }
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    double mean = 0;
    for (Snapshot s : snapshots) {
      min = Math.min(min, s.shallowBytes());
      max = Math.max(max, s.shallowBytes());
      mean += (double) s.shallowBytes() / n;
    }
    double band =
        Math.max(
            Math.max(TrendAnalysis.MIN_GROWTH_BYTES, TrendAnalysis.MIN_HEAP_GROWTH_SHARE * mean),
            FLAT_SHARE_OF_RANGE * (max - min));
    // Walk back from the newest dump while the tail stays within the band.
    double lo = snapshots.get(n - 1).shallowBytes();
    double hi = lo;
    int start = n - 1;
    for (int k = n - 2; k >= 0; k--) {
      double v = snapshots.get(k).shallowBytes();
      if (Math.max(hi, v) - Math.min(lo, v) > band) {
        break;
      }
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      start = k;
    }
    if (start == 0 || n - start < MIN_FLAT_DUMPS) {
      return -1;
    }
    double rise = snapshots.get(start).shallowBytes() - snapshots.get(0).shallowBytes();
    return rise > band && rise >= MIN_RISE_TO_BAND * (hi - lo) ? start : -1;
  }

  /**
   * Least-squares heap slope in bytes/hour from dump {@code from} to the newest; 0 with fewer than
   * two dumps in that range.
   */
  static double slopeFrom(List<Snapshot> snapshots, int from) {
    int n = snapshots.size();
    if (n - from < 2) {
      return 0;
    }
    long t0 = snapshots.get(0).timestamp().toEpochMilli();
    double[] hours = new double[n];
    double[] heap = new double[n];
    for (int i = 0; i < n; i++) {
      hours[i] = (snapshots.get(i).timestamp().toEpochMilli() - t0) / 3_600_000.0;
      heap[i] = snapshots.get(i).shallowBytes();
    }
    return Series.slope(hours, heap, from, n);
  }

  /** The later half of the series (at least two dumps), as the leak rule's late-slope check. */
  static int laterHalf(int n) {
    return n >= 4 ? n / 2 : Math.max(0, n - 2);
  }
}
