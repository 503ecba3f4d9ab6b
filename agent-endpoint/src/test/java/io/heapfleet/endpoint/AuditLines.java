package io.heapfleet.endpoint;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit extension ({@code @RegisterExtension}): the endpoint's audit lines logged while one test
 * runs, read from the audit logger itself. Thread-safe (the server logs from its own threads).
 */
final class AuditLines implements BeforeEachCallback, AfterEachCallback {
  private final List<String> lines = new ArrayList<>();
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          synchronized (lines) {
            lines.add(r.getMessage());
            lines.notifyAll();
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @Override
  public void beforeEach(ExtensionContext context) {
    Audit.LOG.addHandler(handler);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Audit.LOG.removeHandler(handler);
  }

  /** The lines logged so far. */
  List<String> lines() {
    synchronized (lines) {
      return new ArrayList<>(lines);
    }
  }

  /**
   * The first line that {@code matches}, waiting up to {@code timeout} for it (a request's line is
   * logged when its response has ended, possibly after the client read the last byte).
   */
  String await(Predicate<String> matches, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lines) {
      while (true) {
        for (String l : lines) {
          if (matches.test(l)) {
            return l;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no such audit line within " + timeout + ": " + lines);
        }
        lines.wait(Math.max(1, left / 1_000_000));
      }
    }
  }
}
