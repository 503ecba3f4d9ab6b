package io.heapfleet.collector.stats;

import io.heapfleet.analysis.report.Format;
import io.heapfleet.analysis.trend.Assessment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a task's stats series says about its old generation after GC over a recent window: the
 * least-squares slope, how steady it is (R²), and a verdict. The stats series answers "whether and
 * how fast" at minute resolution without pausing the task; the dumps answer "what, and who holds
 * it". Immutable.
 *
 * <p>Rules: {@link Assessment#STABLE} when the fitted rise over the window is below the noise band
 * ({@code max(flatMinBytes, flatFraction x heap max)}); {@link Assessment#LEAKING} when it is above
 * and the fit is steady ({@code R² >= minR2}); otherwise {@link Assessment#INCONCLUSIVE} (rising,
 * but unsteadily).
 *
 * @param assessment the verdict
 * @param reason why, for people
 * @param bytesPerHour the slope
 * @param r2 how well a straight line fits (1 = perfectly steady)
 * @param points samples with an old-gen-after-GC figure in the window
 * @param span time between the first and the last of them
 */
public record OldGenTrend(
    Assessment assessment,
    String reason,
    double bytesPerHour,
    double r2,
    int points,
    Duration span) {

  /**
   * Thresholds of the verdict.
   *
   * @param window how far back the verdict looks
   * @param minPoints fewest samples with an old-gen figure for any verdict
   * @param flatMinBytes rise over the window below which the old generation is flat
   * @param flatFraction the same as a fraction of the heap's limit (the larger of the two counts)
   * @param minR2 how steady a rise must be to count as a leak
   */
  public record Thresholds(
      Duration window, int minPoints, long flatMinBytes, double flatFraction, double minR2) {
    public Thresholds {
      if (window == null || window.isNegative() || window.isZero()) {
        throw new IllegalArgumentException("window must be positive, got " + window);
      }
      if (minPoints < 3) {
        throw new IllegalArgumentException("minPoints must be >= 3, got " + minPoints);
      }
      if (flatMinBytes < 0 || flatFraction < 0 || flatFraction >= 1) {
        throw new IllegalArgumentException(
            "flatMinBytes must be >= 0 and flatFraction in [0, 1), got "
                + flatMinBytes
                + ", "
                + flatFraction);
      }
      if (minR2 < 0 || minR2 > 1) {
        throw new IllegalArgumentException("minR2 must be in [0, 1], got " + minR2);
      }
    }
  }

  /**
   * The trend over the samples of the window ending at {@code now}; empty when the window holds
   * fewer than {@code minPoints} samples with an old-gen figure, or they span less than 80 % of the
   * window (a verdict over a few minutes of a new task would say too much).
   */
  public static Optional<OldGenTrend> of(
      List<StatsSample> samples, long heapMax, Instant now, Thresholds t) {
    Instant from = now.minus(t.window());
    int n = 0;
    double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
    long t0 = Long.MIN_VALUE;
    long first = 0, last = 0;
    for (StatsSample s : samples) {
      if (s.oldGenAfterGc() < 0 || s.time().isBefore(from) || s.time().isAfter(now)) {
        continue;
      }
      long ms = s.time().toEpochMilli();
      if (t0 == Long.MIN_VALUE) {
        t0 = ms;
        first = ms;
      }
      last = ms;
      double x = (ms - t0) / 3_600_000.0; // hours
      double y = s.oldGenAfterGc();
      n++;
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
      syy += y * y;
    }
    Duration span = Duration.ofMillis(last - first);
    if (n < t.minPoints() || span.compareTo(t.window().multipliedBy(4).dividedBy(5)) < 0) {
      return Optional.empty();
    }
    double vx = n * sxx - sx * sx;
    double vy = n * syy - sy * sy;
    double slope = vx == 0 ? 0 : (n * sxy - sx * sy) / vx;
    double r2 = vx == 0 || vy == 0 ? 0 : Math.pow(n * sxy - sx * sy, 2) / (vx * vy);
    double rise = slope * span.toMillis() / 3_600_000.0;
    double band = Math.max(t.flatMinBytes(), t.flatFraction() * Math.max(0, heapMax));
    String over = Format.duration(span) + " (" + n + " samples)";
    if (rise < band) {
      return Optional.of(
          new OldGenTrend(
              Assessment.STABLE,
              String.format(
                  Locale.ROOT,
                  "old generation after GC flat over %s: %s, within the %s noise band",
                  over,
                  Format.bytesPerHour(slope),
                  Format.bytes(band)),
              slope,
              r2,
              n,
              span));
    }
    if (r2 >= t.minR2()) {
      return Optional.of(
          new OldGenTrend(
              Assessment.LEAKING,
              String.format(
                  Locale.ROOT,
                  "old generation after GC grows steadily over %s: %s (R² %.2f)",
                  over,
                  Format.bytesPerHour(slope),
                  r2),
              slope,
              r2,
              n,
              span));
    }
    return Optional.of(
        new OldGenTrend(
            Assessment.INCONCLUSIVE,
            String.format(
                Locale.ROOT,
                "old generation after GC rose %s over %s, but unsteadily (R² %.2f): a longer"
                    + " window or the next dumps will tell",
                Format.bytes(rise),
                over,
                r2),
            slope,
            r2,
            n,
            span));
  }
}
