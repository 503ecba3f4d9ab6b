package io.heapfleet.analysis.report;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The one way heapfleet writes sizes, rates, counts and times for people (CLI text, Markdown,
 * reports, the demo, the collector's dashboard). Sizes are binary and labelled so: {@code KiB},
 * {@code MiB}, {@code GiB} (1 MiB = 2^20 bytes, the unit JVM tools count heaps in); a growth rate
 * is a signed size per hour ({@code +898.0 MiB/h}); a duration is its two largest units ({@code 4
 * min 10 s}). JSON and metrics never use this class: they carry bytes and seconds. Stateless and
 * thread-safe.
 */
public final class Format {
  private static final double KIB = 1024;
  private static final double MIB = KIB * 1024;
  private static final double GIB = MIB * 1024;

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private Format() {}

  /** {@code 512 B}, {@code 14.2 KiB}, {@code 3.1 MiB}, {@code 2.25 GiB}. */
  public static String bytes(double b) {
    double a = Math.abs(b);
    if (a < KIB) {
      return String.format(Locale.ROOT, "%.0f B", b);
    }
    if (a < MIB) {
      return String.format(Locale.ROOT, "%.1f KiB", b / KIB);
    }
    if (a < GIB) {
      return String.format(Locale.ROOT, "%.1f MiB", b / MIB);
    }
    return String.format(Locale.ROOT, "%.2f GiB", b / GIB);
  }

  /** {@link #bytes}, or {@code -} for a negative size (unknown). */
  public static String bytesOrDash(long b) {
    return b < 0 ? "-" : bytes(b);
  }

  /** {@code +3.1 MiB} / {@code -512 B}. */
  public static String signedBytes(double b) {
    return (b >= 0 ? "+" : "-") + bytes(Math.abs(b));
  }

  /** A growth rate: {@code +898.0 MiB/h}, {@code -14.2 KiB/h}. */
  public static String bytesPerHour(double bytesPerHour) {
    return signedBytes(bytesPerHour) + "/h";
  }

  /** A transfer rate: {@code 61.0 MiB/s}. */
  public static String bytesPerSecond(double bytesPerSecond) {
    return bytes(bytesPerSecond) + "/s";
  }

  /** {@code 1,234,567}. */
  public static String count(double n) {
    return String.format(Locale.ROOT, "%,.0f", n);
  }

  /** {@code +1,234} / {@code -5}. */
  public static String signedCount(double n) {
    return (n >= 0 ? "+" : "-") + count(Math.abs(n));
  }

  /** Instances per hour: {@code +1,234/h}. */
  public static String countPerHour(double perHour) {
    return signedCount(perHour) + "/h";
  }

  /** {@code 0.97}. */
  public static String ratio(double r) {
    return String.format(Locale.ROOT, "%.2f", r);
  }

  /**
   * Its two largest units, the second left out when zero: {@code 350 ms}, {@code 45 s}, {@code 4
   * min 10 s}, {@code 3 h 12 min}, {@code 2 d 3 h}.
   */
  public static String duration(Duration d) {
    String sign = d.isNegative() ? "-" : "";
    Duration a = d.abs();
    long s = a.getSeconds();
    if (s == 0) {
      return sign + a.toMillis() + " ms";
    }
    if (s < 60) {
      return sign + s + " s";
    }
    if (s < 3600) {
      return sign + pair(s / 60, "min", s % 60, "s");
    }
    if (s < 86400) {
      return sign + pair(s / 3600, "h", s % 3600 / 60, "min");
    }
    return sign + pair(s / 86400, "d", s % 86400 / 3600, "h");
  }

  /** {@link #duration} of a number of seconds. */
  public static String seconds(long seconds) {
    return duration(Duration.ofSeconds(seconds));
  }

  private static String pair(long major, String majorUnit, long minor, String minorUnit) {
    return major + " " + majorUnit + (minor == 0 ? "" : " " + minor + " " + minorUnit);
  }

  /** A point in time for people: {@code 2026-11-22 05:35:39 UTC}. */
  public static String time(Instant t) {
    return TIME.format(t);
  }
}
