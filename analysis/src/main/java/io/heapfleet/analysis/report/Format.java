package io.heapfleet.analysis.report;

import java.time.Duration;
import java.util.Locale;

/**
 * Human formatting shared by the text and Markdown outputs: sizes in binary units (1 MB = 1024²
 * bytes, as JVM tools print them), signed deltas, counts with thousands separators. Stateless.
 */
public final class Format {
  private Format() {}

  /** {@code 512 B}, {@code 14.2 KB}, {@code 3.1 MB}, {@code 2.25 GB}. */
  public static String bytes(double b) {
    double a = Math.abs(b);
    if (a < 1024) {
      return String.format(Locale.ROOT, "%.0f B", b);
    }
    if (a < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KB", b / 1024);
    }
    if (a < 1024.0 * 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f MB", b / (1024 * 1024));
    }
    return String.format(Locale.ROOT, "%.2f GB", b / (1024.0 * 1024 * 1024));
  }

  /** {@code +3.1 MB} / {@code -512 B}. */
  public static String signedBytes(double b) {
    return (b >= 0 ? "+" : "-") + bytes(Math.abs(b));
  }

  /** {@code 1,234,567}. */
  public static String count(double n) {
    return String.format(Locale.ROOT, "%,.0f", n);
  }

  /** {@code +1,234} / {@code -5}. */
  public static String signedCount(double n) {
    return (n >= 0 ? "+" : "-") + count(Math.abs(n));
  }

  /** {@code 0.97}. */
  public static String ratio(double r) {
    return String.format(Locale.ROOT, "%.2f", r);
  }

  /** {@code 2 h 30 min}, {@code 45 s}. */
  public static String duration(Duration d) {
    long s = Math.abs(d.getSeconds());
    String sign = d.isNegative() ? "-" : "";
    if (s < 120) {
      return sign + (s == 0 ? d.toMillis() + " ms" : s + " s");
    }
    if (s < 7200) {
      return sign + (s / 60) + " min";
    }
    return sign + (s / 3600) + " h " + (s % 3600 / 60) + " min";
  }
}
