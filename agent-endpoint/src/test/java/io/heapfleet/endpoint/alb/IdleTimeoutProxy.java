package io.heapfleet.endpoint.alb;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 that behaves like an ALB's idle timeout: a connection on which no byte
 * went either way for the timeout is closed; if the target had not answered yet, the client gets a
 * {@code 504 Gateway Timeout} first, as from an ALB. Records the longest silence seen from the
 * target once it started answering. Thread-safe; {@link #close()} stops it.
 */
final class IdleTimeoutProxy implements AutoCloseable {

  private static final byte[] GATEWAY_TIMEOUT =
      ("HTTP/1.1 504 Gateway Timeout\r\nContent-Type: text/html\r\nContent-Length: 0\r\n"
              + "Connection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final long idleNanos;
  private final List<Link> links = new CopyOnWriteArrayList<>();
  private final AtomicInteger idleCloses = new AtomicInteger();
  private final AtomicLong maxResponseGapNanos = new AtomicLong();
  private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();

  private IdleTimeoutProxy(InetSocketAddress target, Duration idleTimeout) throws IOException {
    this.target = target;
    this.idleNanos = idleTimeout.toNanos();
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "idle-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    watchdog.scheduleWithFixedDelay(this::check, 100, 100, TimeUnit.MILLISECONDS);
  }

  static IdleTimeoutProxy start(URI target, Duration idleTimeout) throws IOException {
    return new IdleTimeoutProxy(new InetSocketAddress("127.0.0.1", target.getPort()), idleTimeout);
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
  }

  /** Connections closed for being idle. */
  int idleCloses() {
    return idleCloses.get();
  }

  /** The longest time the target sent nothing, between its first response byte and its last. */
  Duration maxResponseGap() {
    return Duration.ofNanos(maxResponseGapNanos.get());
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket backend = new Socket();
        backend.connect(target, 5000);
        Link link = new Link(client, backend);
        links.add(link);
        daemon(() -> link.pump(client, backend, false), "idle-proxy-up");
        daemon(() -> link.pump(backend, client, true), "idle-proxy-down");
      } catch (IOException e) {
        return;
      }
    }
  }

  private void check() {
    long now = System.nanoTime();
    for (Link l : links) {
      if (!l.closed && now - l.lastByteNanos.get() > idleNanos) {
        idleCloses.incrementAndGet();
        l.closeIdle();
      }
    }
  }

  private static void daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    watchdog.shutdownNow();
    listener.close();
    for (Link l : links) {
      l.closeQuietly();
    }
  }

  /** One client connection and its backend connection. */
  private final class Link {
    final Socket client;
    final Socket backend;
    final AtomicLong lastByteNanos = new AtomicLong(System.nanoTime());
    volatile boolean answered;
    volatile boolean closed;
    private long lastResponseNanos;

    Link(Socket client, Socket backend) {
      this.client = client;
      this.backend = backend;
    }

    void pump(Socket from, Socket to, boolean response) {
      byte[] buf = new byte[64 * 1024];
      try (InputStream in = from.getInputStream()) {
        OutputStream out = to.getOutputStream();
        int n;
        while ((n = in.read(buf)) > 0) {
          long now = System.nanoTime();
          lastByteNanos.set(now);
          if (response) {
            synchronized (this) {
              if (answered) {
                maxResponseGapNanos.accumulateAndGet(now - lastResponseNanos, Math::max);
              }
              answered = true;
              lastResponseNanos = now;
              out.write(buf, 0, n);
            }
          } else {
            out.write(buf, 0, n);
          }
          out.flush();
        }
        to.shutdownOutput();
      } catch (IOException e) {
        closeQuietly();
      }
    }

    void closeIdle() {
      synchronized (this) {
        if (!answered) {
          try {
            client.getOutputStream().write(GATEWAY_TIMEOUT);
          } catch (IOException e) {
            // the client is gone anyway
          }
        }
        closeQuietly();
      }
    }

    void closeQuietly() {
      closed = true;
      try {
        client.close();
      } catch (IOException ignored) {
        // closing
      }
      try {
        backend.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }
}
