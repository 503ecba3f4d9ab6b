package io.heapfleet.endpoint.agent;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The executor of the javaagent's HTTP server, and the watchdog that keeps silent or stalled
 * clients from holding it.
 *
 * <p>The JDK {@code HttpServer} hands a connection to its executor as soon as the first byte
 * arrives, and the executor thread then reads the request line and headers, blocking, with no
 * timeout. A handful of half-sent requests would hold every thread. Here each request runs on a
 * bounded pool and is watched: a request still {@linkplain #handling() before its handler} after
 * the header timeout, or a response write that has made no progress for the stall timeout (a client
 * that stopped reading a dump), gets its thread interrupted. The server's socket channel is
 * interruptible, so the blocked read or write fails at once, the connection is closed, and the
 * response's cleanup runs (temp file deleted, dump lock released). When requests queue because
 * every thread is reading a slow request's headers, the oldest such readers are cut at once rather
 * than at their timeout, so silent connections cannot starve a legitimate request.
 *
 * <p>The JDK server's own {@code sun.net.httpserver.*} limits are JVM-wide system properties read
 * once; the agent cannot set them without changing the host application's servers, hence this
 * guard. Thread-safe.
 */
final class RequestGuard implements Executor, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(RequestGuard.class.getName());
  // A reader younger than this is never cut early: a request that arrives in one packet is read
  // in microseconds, so only slow senders are ever this old.
  private static final long EVICT_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private enum State {
    READING,
    HANDLING,
    DONE,
    CUT
  }

  /** One request on one pool thread. Guarded by its own monitor. */
  private static final class Slot {
    final Thread thread;
    final long startNanos;
    State state = State.READING;
    volatile long writeSinceNanos;

    Slot(Thread thread, long startNanos) {
      this.thread = thread;
      this.startNanos = startNanos;
    }
  }

  private final ThreadPoolExecutor pool;
  private final ScheduledExecutorService watchdog;
  private final Set<Slot> active = ConcurrentHashMap.newKeySet();
  private final ThreadLocal<Slot> current = new ThreadLocal<>();
  private final long headerNanos;
  private final long stallNanos;
  private final AtomicLong cutReading = new AtomicLong();
  private final AtomicLong cutStalled = new AtomicLong();

  RequestGuard(int threads, java.time.Duration headerTimeout, java.time.Duration stallTimeout) {
    this.headerNanos = headerTimeout.toNanos();
    this.stallNanos = stallTimeout.toNanos();
    AtomicInteger n = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> daemon(r, "heapfleet-http-" + n.incrementAndGet()));
    this.watchdog =
        Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "heapfleet-http-watchdog"));
    long periodMillis =
        Math.max(
            20, Math.min(250, Math.min(headerTimeout.toMillis(), stallTimeout.toMillis()) / 4));
    watchdog.scheduleWithFixedDelay(this::check, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public void execute(Runnable exchange) {
    pool.execute(() -> run(exchange));
  }

  private void run(Runnable exchange) {
    Slot slot = new Slot(Thread.currentThread(), System.nanoTime());
    current.set(slot);
    active.add(slot);
    try {
      exchange.run();
    } finally {
      active.remove(slot);
      current.remove();
      synchronized (slot) {
        slot.state = State.DONE;
        // A cut that raced with the end of the request must not hit the thread's next request.
        Thread.interrupted();
      }
    }
  }

  /**
   * Called by the handler once the request line and headers are in: from now on only the stall
   * timeout applies. False when the guard has already cut this request.
   */
  boolean handling() {
    Slot slot = current.get();
    if (slot == null) {
      return true;
    }
    synchronized (slot) {
      if (slot.state == State.CUT) {
        return false;
      }
      slot.state = State.HANDLING;
      return true;
    }
  }

  /** {@code out}, with every write watched for progress (stall timeout). */
  OutputStream watch(OutputStream out) {
    Slot slot = current.get();
    return slot == null ? out : new WatchedOutputStream(out, slot);
  }

  /** Requests cut while reading headers, and dump streams cut for making no progress. */
  long[] cuts() {
    return new long[] {cutReading.get(), cutStalled.get()};
  }

  private void check() {
    try {
      long now = System.nanoTime();
      List<Slot> readers = new ArrayList<>();
      for (Slot s : active) {
        synchronized (s) {
          if (s.state == State.READING) {
            if (now - s.startNanos > headerNanos) {
              cut(s, cutReading);
            } else {
              readers.add(s);
            }
          } else if (s.state == State.HANDLING) {
            long since = s.writeSinceNanos;
            if (since != 0 && now - since > stallNanos) {
              cut(s, cutStalled);
              LOG.warning(
                  "heapfleet: a response made no progress for "
                      + TimeUnit.NANOSECONDS.toSeconds(stallNanos)
                      + "s (client not reading); connection closed");
            }
          }
        }
      }
      int waiting = pool.getQueue().size();
      if (waiting > 0) {
        readers.sort(Comparator.comparingLong(s -> s.startNanos));
        for (Slot s : readers) {
          if (waiting == 0) {
            break;
          }
          synchronized (s) {
            if (s.state == State.READING && now - s.startNanos > EVICT_AFTER_NANOS) {
              cut(s, cutReading);
              waiting--;
            }
          }
        }
      }
    } catch (RuntimeException e) {
      // The watchdog must survive anything: log and go on.
      LOG.warning("heapfleet: request watchdog: " + e);
    }
  }

  /** Caller holds the slot's monitor. */
  private static void cut(Slot s, AtomicLong counter) {
    s.state = State.CUT;
    counter.incrementAndGet();
    s.thread.interrupt();
  }

  @Override
  public void close() {
    watchdog.shutdownNow();
    pool.shutdownNow();
    try {
      pool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Marks the slot as writing for the duration of each write. */
  private static final class WatchedOutputStream extends FilterOutputStream {
    private final Slot slot;

    WatchedOutputStream(OutputStream out, Slot slot) {
      super(out);
      this.slot = slot;
    }

    @Override
    public void write(int b) throws IOException {
      slot.writeSinceNanos = System.nanoTime();
      try {
        out.write(b);
      } finally {
        slot.writeSinceNanos = 0;
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      slot.writeSinceNanos = System.nanoTime();
      try {
        out.write(b, off, len);
      } finally {
        slot.writeSinceNanos = 0;
      }
    }

    @Override
    public void flush() throws IOException {
      slot.writeSinceNanos = System.nanoTime();
      try {
        out.flush();
      } finally {
        slot.writeSinceNanos = 0;
      }
    }
  }
}
