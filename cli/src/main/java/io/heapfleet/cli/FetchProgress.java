package io.heapfleet.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The {@code fetch} progress line on stderr: bytes so far, rate, and with a known total a bar and
 * ETA. Redrawn in place at most 5 times a second on a terminal; off otherwise (the command prints
 * one summary line instead). Not thread-safe: one transfer.
 */
final class FetchProgress {
  private static final int WIDTH = 20;

  private final PrintWriter err;
  private final boolean enabled;
  private final long total;
  private final long started = System.nanoTime();
  private long lastDraw;

  FetchProgress(PrintWriter err, boolean enabled, long total) {
    this.err = err;
    this.enabled = enabled;
    this.total = total;
  }

  void update(long done) {
    if (!enabled) {
      return;
    }
    long now = System.nanoTime();
    if (now - lastDraw < 200_000_000L) {
      return;
    }
    lastDraw = now;
    err.print("\r" + line(done, now) + "   ");
    err.flush();
  }

  void finish(long done) {
    if (enabled) {
      err.print("\r" + line(done, System.nanoTime()) + "   ");
      err.println();
      err.flush();
    }
  }

  String line(long done, long now) {
    double seconds = Math.max(1e-3, (now - started) / 1e9);
    double rate = done / seconds;
    StringBuilder sb = new StringBuilder();
    if (total > 0) {
      double fraction = Math.min(1.0, (double) done / total);
      int bars = (int) Math.round(fraction * WIDTH);
      sb.append('[').append("#".repeat(bars)).append(" ".repeat(WIDTH - bars)).append("] ");
      sb.append(String.format(Locale.ROOT, "%3.0f%% ", fraction * 100));
      sb.append(size(done)).append(" / ").append(size(total));
      sb.append("  ").append(size((long) rate)).append("/s");
      long eta = rate > 0 ? (long) Math.ceil((total - done) / rate) : -1;
      sb.append("  ETA ").append(eta < 0 ? "?" : duration(eta));
    } else {
      sb.append(size(done)).append("  ").append(size((long) rate)).append("/s  ETA ?");
    }
    return sb.toString();
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    if (bytes < 1024L * 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
    return String.format(Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
  }

  static String duration(long seconds) {
    return seconds < 60
        ? seconds + "s"
        : (seconds / 60) + "m" + String.format(Locale.ROOT, "%02d", seconds % 60) + "s";
  }
}
