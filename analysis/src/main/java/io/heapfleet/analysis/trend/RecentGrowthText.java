package io.heapfleet.analysis.trend;

import io.heapfleet.analysis.report.Format;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The sentence that goes next to a trend's overall heap growth so the numbers a person reads agree
 * with a {@code stable} verdict: a cache that filled during warm-up has a large overall slope, and
 * this says that the heap has been flat since. Shared by the text, Markdown and demo outputs.
 * Stateless and thread-safe.
 */
public final class RecentGrowthText {
  private RecentGrowthText() {}

  /**
   * For a stable heap that levelled off: {@code "All of it during warm-up: the heap grew by 13.8
   * MiB, then stayed within 18.5 MiB – 24.3 MiB: flat since 2026-11-22T05:35:39Z (4 dumps)."}; for
   * another stable trend of at least {@value TrendAnalysis#MIN_DUMPS} dumps: {@code "Lately: +1.0
   * MiB/h over the last 3 dumps."}; for a leaking or too short trend an empty string (the overall
   * growth is the figure that matters).
   */
  public static String of(TrendResult t) {
    int n = t.snapshots().size();
    if (t.assessment() != Assessment.STABLE || n < TrendAnalysis.MIN_DUMPS) {
      return "";
    }
    int start = RecentGrowth.plateauStart(t.assessment(), t.snapshots());
    if (start < 0) {
      return "Lately: "
          + Format.bytesPerHour(t.recentHeapBytesPerHour())
          + " over the last "
          + (n - RecentGrowth.laterHalf(n))
          + " dumps.";
    }
    // Over a plateau the slope of a few wobbling dumps is noise: say the range it stayed in.
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    for (Snapshot s : t.snapshots().subList(start, n)) {
      lo = Math.min(lo, s.shallowBytes());
      hi = Math.max(hi, s.shallowBytes());
    }
    String low = Format.bytes(lo);
    String high = Format.bytes(hi);
    return "All of it during warm-up: the heap grew by "
        + Format.bytes(t.warmUpBytes())
        + (low.equals(high)
            ? ", then stayed at " + low
            : ", then stayed within " + low + " – " + high)
        + ": flat since "
        + time(t.snapshots().get(start).timestamp())
        + " ("
        + (n - start)
        + " dumps).";
  }

  /** {@code 2026-11-22T03:35:40Z}: seconds are enough to find the dump. */
  public static String time(Instant at) {
    return at.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
