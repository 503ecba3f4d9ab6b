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
 * Fails a read that makes no progress for {@code idle}: {@code java.net.http} has no read timeout
 * for a streaming body, so a watchdog closes the underlying stream, which makes the blocked read
 * return with an error that is reported as a {@link SocketTimeoutException}. For one reader thread.
 */
public final class IdleTimeoutInputStream extends FilterInputStream {
  private final long idleNanos;
  private final ScheduledFuture<?> watchdog;
  private volatile long lastProgress = System.nanoTime();
  private volatile boolean timedOut;
  private volatile boolean closed;

  public IdleTimeoutInputStream(InputStream in, Duration idle, ScheduledExecutorService timer) {
    super(in);
    this.idleNanos = idle.toNanos();
    long period = Math.max(50, Math.min(1000, idle.toMillis() / 4));
    this.watchdog =
        timer.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
  }

  private void check() {
    if (!closed && System.nanoTime() - lastProgress > idleNanos) {
      timedOut = true;
      try {
        in.close();
      } catch (IOException ignored) {
        // closing is the point; a failure here changes nothing
      }
      watchdog.cancel(false);
    }
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
      if (timedOut) {
        throw timeout();
      }
      lastProgress = System.nanoTime();
      return n;
    } catch (IOException e) {
      if (timedOut) {
        throw timeout();
      }
      throw e;
    }
  }

  private SocketTimeoutException timeout() {
    return new SocketTimeoutException(
        "no dump bytes for " + Duration.ofNanos(idleNanos) + " (idle timeout)");
  }

  @Override
  public void close() throws IOException {
    closed = true;
    watchdog.cancel(false);
    super.close();
  }
}
