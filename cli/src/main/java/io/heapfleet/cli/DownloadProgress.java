package io.heapfleet.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The download progress bar: one line on stderr, redrawn at most 10 times a second; silent when
 * stderr is not a terminal (pipes, CI logs, tests). Not thread-safe: one transfer at a time.
 */
final class DownloadProgress {
  private static final int WIDTH = 24;

  private final PrintWriter err;
  private final boolean enabled;
  private final String label;
  private final long total;
  private final long started = System.nanoTime();
  private long lastDraw;

  DownloadProgress(PrintWriter err, boolean enabled, String label, long total) {
    this.err = err;
    this.enabled = enabled;
    this.label = label;
    this.total = total;
  }

  /** Whether a progress bar makes sense here: an interactive terminal. */
  static boolean terminal() {
    return System.console() != null;
  }

  void update(long done) {
    if (!enabled) {
      return;
    }
    long now = System.nanoTime();
    if (now - lastDraw < 100_000_000L && done < total) {
      return;
    }
    lastDraw = now;
    double fraction = total > 0 ? Math.min(1.0, (double) done / total) : 0;
    int bars = (int) Math.round(fraction * WIDTH);
    double seconds = Math.max(1e-3, (now - started) / 1e9);
    err.print(
        String.format(
            Locale.ROOT,
            "\r%s [%s%s] %3.0f%% %s/%s %s/s ",
            label,
            "#".repeat(bars),
            " ".repeat(WIDTH - bars),
            fraction * 100,
            mib(done),
            mib(total),
            mib((long) (done / seconds))));
    err.flush();
  }

  /** Human-readable size (KiB/MiB, 2^10/2^20 bytes); {@code -} when unknown. */
  static String mib(long bytes) {
    if (bytes < 0) {
      return "-";
    }
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
  }

  void done() {
    if (enabled) {
      err.println();
      err.flush();
    }
  }
}
