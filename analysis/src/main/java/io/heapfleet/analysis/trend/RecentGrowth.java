package io.heapfleet.analysis.trend;

import java.util.List;

/**
 * The heap's growth lately, as opposed to over the whole series: a cache that filled during warm-up
 * has a large overall slope but a flat heap since, and people should see the second number next to
 * a {@code stable} verdict. Finds where such a plateau starts and fits the slope after it.
 * Stateless and thread-safe.
 *
 * <p>A plateau starts at the earliest dump {@code k >= 1} such that: the trend is {@code stable}
 * with at least {@value TrendAnalysis#MIN_DUMPS} dumps; at least {@value #MIN_FLAT_DUMPS} dumps
 * from {@code k} on; none of them is more than a band above dump {@code k} (no new high: dips, as a
 * cache evicts or a GC runs, are fine), the band being {@code max(64 KB, 1% of the mean heap, 10%
 * of the series' range)}; and the heap rose from the first dump to dump {@code k} by at least twice
 * the band, at least 5% of the mean heap, and more than it wobbles from {@code k} on (so
 * fluctuation does not pass for warm-up). For example, heaps of 14.2, 24.2, 25.5, 19.4, 23.9 and
 * 23.9 MB (a cache filling, then evicting) are flat from the third dump.
 */
final class RecentGrowth {
  /** A plateau needs this many dumps (two intervals), the same minimum a trend needs. */
  static final int MIN_FLAT_DUMPS = TrendAnalysis.MIN_DUMPS;

  /** Share of the series' range the heap may wobble within and still count as flat. */
  static final double FLAT_SHARE_OF_RANGE = 0.1;

  /** A warm-up worth naming rises by at least twice the band... */
  static final double MIN_RISE_TO_BAND = 2;

  /** ...and by at least 5% of the mean heap (a quiet heap's 85 KB in 2.6 MB is not warm-up). */
  static final double MIN_RISE_SHARE = 0.05;

  /**
   * Dumps needed after an inconclusive one to decide: a plateau is {@value #MIN_FLAT_DUMPS} dumps
   * with no new high, the newest one included.
   */
  static final int MORE_DUMPS_TO_DECIDE = MIN_FLAT_DUMPS - 1;

  /** Share of the mean heap a rise must exceed before it is more than noise. */
  static final double NOISE_SHARE = 0.02;

  private RecentGrowth() {}

  /**
   * How much a heap may rise and still be within noise: {@code max(64 KB, 2% of the mean heap, the
   * largest drop between two consecutive dumps)} (a drop shows how far GC and eviction move it).
   */
  static double noiseBytes(double[] heap) {
    double mean = 0;
    double drop = 0;
    for (int i = 0; i < heap.length; i++) {
      mean += heap[i] / heap.length;
      if (i > 0) {
        drop = Math.max(drop, heap[i - 1] - heap[i]);
      }
    }
    return Math.max(Math.max(TrendAnalysis.MIN_GROWTH_BYTES, NOISE_SHARE * mean), drop);
  }

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
    for (int k = 1; k <= n - MIN_FLAT_DUMPS; k++) {
      double level = snapshots.get(k).shallowBytes();
      double lo = level;
      double hi = level;
      for (int i = k + 1; i < n; i++) {
        lo = Math.min(lo, snapshots.get(i).shallowBytes());
        hi = Math.max(hi, snapshots.get(i).shallowBytes());
      }
      double rise = level - snapshots.get(0).shallowBytes();
      if (hi <= level + band
          && rise >= MIN_RISE_TO_BAND * band
          && rise >= MIN_RISE_SHARE * mean
          && rise > hi - lo) {
        return k;
      }
    }
    return -1;
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
