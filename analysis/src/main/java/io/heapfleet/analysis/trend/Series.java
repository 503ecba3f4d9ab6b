package io.heapfleet.analysis.trend;

/**
 * Statistics of one value over time (hours since the first dump): least-squares slope, R², how many
 * steps grew, and the slope of the later half. Stateless helpers; values are immutable.
 */
record Series(double slope, double r2, int growingSteps, int steps, double lateSlope) {

  static Series of(double[] hours, double[] values) {
    int n = values.length;
    double slope = slope(hours, values, 0, n);
    int growing = 0;
    for (int i = 1; i < n; i++) {
      if (values[i] > values[i - 1]) {
        growing++;
      }
    }
    // The later half (at least two points): growth that has levelled off shows up here.
    int from = RecentGrowth.laterHalf(n);
    double late = slope(hours, values, from, n);
    return new Series(slope, r2(hours, values, slope), growing, n - 1, late);
  }

  /** Share of growing steps × R², in 0..1; 0 when it does not grow. */
  double steadiness() {
    if (steps == 0 || slope <= 0) {
      return 0;
    }
    return ((double) growingSteps / steps) * Math.max(0, r2);
  }

  static double slope(double[] x, double[] y, int from, int to) {
    int n = to - from;
    if (n < 2) {
      return 0;
    }
    double mx = 0;
    double my = 0;
    for (int i = from; i < to; i++) {
      mx += x[i];
      my += y[i];
    }
    mx /= n;
    my /= n;
    double sxy = 0;
    double sxx = 0;
    for (int i = from; i < to; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
    }
    return sxx == 0 ? 0 : sxy / sxx;
  }

  private static double r2(double[] x, double[] y, double slope) {
    int n = y.length;
    double mx = 0;
    double my = 0;
    for (int i = 0; i < n; i++) {
      mx += x[i];
      my += y[i];
    }
    mx /= n;
    my /= n;
    double ssTot = 0;
    double ssRes = 0;
    for (int i = 0; i < n; i++) {
      double fit = my + slope * (x[i] - mx);
      ssRes += (y[i] - fit) * (y[i] - fit);
      ssTot += (y[i] - my) * (y[i] - my);
    }
    return ssTot == 0 ? 0 : 1 - ssRes / ssTot;
  }
}
