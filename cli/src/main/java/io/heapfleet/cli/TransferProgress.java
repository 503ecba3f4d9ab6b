package io.heapfleet.cli;

import io.heapfleet.analysis.report.Format;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * The progress line of a transfer ({@code fetch}, {@code download}) on stderr: an optional label,
 * bytes so far and the rate, and with a known total a bar, the percentage and an ETA. Redrawn in
 * place at most 5 times a second on a terminal; silent otherwise (pipes, CI logs, tests), where
 * commands print a summary line instead. Sizes, rates and times are written by {@link Format}. Not
 * thread-safe: one transfer at a time.
 */
final class TransferProgress {
  private static final int WIDTH = 20;
  private static final long REDRAW_NANOS = 200_000_000L;

  private final PrintWriter err;
  private final boolean enabled;
  private final String label;
  private final long total;
  private final long started = System.nanoTime();
  private long lastDraw;

  /**
   * @param enabled whether to draw at all (see {@link #terminal()})
   * @param label what is transferred (a file name), or {@code null}
   * @param total the size in bytes, or a negative number when unknown
   */
  TransferProgress(PrintWriter err, boolean enabled, String label, long total) {
    this.err = err;
    this.enabled = enabled;
    this.label = label;
    this.total = total;
  }

  /** Whether a progress line makes sense here: an interactive terminal. */
  static boolean terminal() {
    return System.console() != null;
  }

  void update(long done) {
    if (!enabled) {
      return;
    }
    long now = System.nanoTime();
    if (now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    err.print("\r" + line(done, now) + "   ");
    err.flush();
  }

  /** Draws the final state and ends the line. */
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
    if (label != null) {
      sb.append(label).append(' ');
    }
    if (total > 0) {
      double fraction = Math.min(1.0, (double) done / total);
      int bars = (int) Math.round(fraction * WIDTH);
      sb.append('[').append("#".repeat(bars)).append(" ".repeat(WIDTH - bars)).append("] ");
      sb.append(String.format(Locale.ROOT, "%3.0f%% ", fraction * 100));
      sb.append(Format.bytes(done)).append(" / ").append(Format.bytes(total));
      sb.append("  ").append(Format.bytesPerSecond(rate));
      long eta = rate > 0 ? (long) Math.ceil((total - done) / rate) : -1;
      sb.append("  ETA ").append(eta < 0 ? "?" : Format.seconds(eta));
    } else {
      sb.append(Format.bytes(done))
          .append("  ")
          .append(Format.bytesPerSecond(rate))
          .append("  ETA ?");
    }
    return sb.toString();
  }
}
