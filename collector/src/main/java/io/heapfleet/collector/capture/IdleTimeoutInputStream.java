package io.heapfleet.collector.capture;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Fails a read that makes no progress for {@code idle}, and any read once an overall {@code
 * deadline} has passed: {@code java.net.http} has no read timeout for a streaming body, so a
 * watchdog closes the underlying stream, which makes the blocked read return with an error that is
 * reported as a {@link SocketTimeoutException} ({@link DeadlineExceededException} for the
 * deadline). The deadline is what stops a body that trickles a byte now and then, which the idle
 * timeout never catches. For one reader thread.
 */
public final class IdleTimeoutInputStream extends FilterInputStream {

  /** The overall deadline passed (as opposed to the idle timeout). */
  public static final class DeadlineExceededException extends SocketTimeoutException {
    private static final long serialVersionUID = 1L;

    DeadlineExceededException(String message) {
      super(message);
    }
  }

  private final long idleNanos;
  private final long deadlineNanos;
  private final long startNanos = System.nanoTime();
  private final ScheduledFuture<?> watchdog;
  private volatile long lastProgress = startNanos;
  private volatile boolean timedOut;
  private volatile boolean deadlinePassed;
  private volatile boolean closed;

  /** A stream with an idle timeout only. */
  public IdleTimeoutInputStream(InputStream in, Duration idle, ScheduledExecutorService timer) {
    this(in, idle, null, timer);
  }

  /**
   * A stream with an idle timeout and an overall deadline from now ({@code null}: none).
   *
   * @param deadline the longest the whole stream may take, counted from construction
   */
  public IdleTimeoutInputStream(
      InputStream in, Duration idle, Duration deadline, ScheduledExecutorService timer) {
    super(in);
    this.idleNanos = idle.toNanos();
    this.deadlineNanos = deadline == null ? Long.MAX_VALUE : deadline.toNanos();
    long shortest =
        deadline == null ? idle.toMillis() : Math.min(idle.toMillis(), deadline.toMillis());
    long period = Math.max(50, Math.min(1000, shortest / 4));
    this.watchdog =
        timer.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
  }

  private void check() {
    if (closed) {
      return;
    }
    long now = System.nanoTime();
    if (now - startNanos > deadlineNanos) {
      deadlinePassed = true;
    } else if (now - lastProgress > idleNanos) {
      timedOut = true;
    } else {
      return;
    }
    try {
      in.close();
    } catch (IOException ignored) {
      // closing is the point; a failure here changes nothing
    }
    watchdog.cancel(false);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    try {
      int n = in.read(b, off, len);
      failIfStopped();
      if (System.nanoTime() - startNanos > deadlineNanos) {
        deadlinePassed = true;
        throw deadline();
      }
      lastProgress = System.nanoTime();
      return n;
    } catch (IOException e) {
      failIfStopped();
      throw e;
    }
  }

  private void failIfStopped() throws SocketTimeoutException {
    if (deadlinePassed) {
      throw deadline();
    }
    if (timedOut) {
      throw new SocketTimeoutException(
          "no dump bytes for " + Duration.ofNanos(idleNanos) + " (idle timeout)");
    }
  }

  private DeadlineExceededException deadline() {
    return new DeadlineExceededException(
        "the dump did not arrive within its deadline of " + Duration.ofNanos(deadlineNanos));
  }

  @Override
  public void close() throws IOException {
    closed = true;
    watchdog.cancel(false);
    super.close();
  }
}
