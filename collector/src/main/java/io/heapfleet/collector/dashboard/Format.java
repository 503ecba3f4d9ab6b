package io.heapfleet.collector.dashboard;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the dashboard writes sizes, rates and times. Stateless, thread-safe. */
public final class Format {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private Format() {}

  /**
   * {@code s} encoded as one URL path segment: every byte but unreserved characters as {@code %XX}
   * (a space is {@code %20}, not form encoding's {@code +}), so a task id can never add a path
   * segment, a query or a fragment to a link.
   */
  public static String pathSegment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8)
        .replace("+", "%20")
        .replace("*", "%2A")
        .replace("%7E", "~");
  }

  public static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1_048_576.0);
  }

  /** A size change: KB below 1 MB, so small steady growth does not read as "+0.00 MB". */
  public static String signedMb(long bytes) {
    if (Math.abs(bytes) < 1_048_576) {
      return String.format(Locale.ROOT, "%+.1f KB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%+.2f MB", bytes / 1_048_576.0);
  }

  public static String mbPerHour(double bytesPerHour) {
    return String.format(Locale.ROOT, "%+.1f MB/h", bytesPerHour / 1_048_576.0);
  }

  public static String perHour(double perHour) {
    return String.format(Locale.ROOT, "%+,.0f/h", perHour);
  }

  public static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  public static String signedCount(long n) {
    return String.format(Locale.ROOT, "%+,d", n);
  }

  public static String time(Instant t) {
    return TIME.format(t);
  }
}
