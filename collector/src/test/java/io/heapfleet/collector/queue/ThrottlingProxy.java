package io.heapfleet.collector.queue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;

/**
 * A TCP proxy on 127.0.0.1 that passes requests through and sends responses back at a fixed rate,
 * like a task whose dump streams out at the speed its compression allows.
 */
final class ThrottlingProxy implements AutoCloseable {
  private static final int CHUNK = 16 * 1024;

  private final ServerSocket server;
  private final URI backend;
  private final long bytesPerSecond;

  ThrottlingProxy(URI backend, long bytesPerSecond) throws IOException {
    this.backend = backend;
    this.bytesPerSecond = bytesPerSecond;
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::accept, "throttling-proxy");
    t.setDaemon(true);
    t.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(backend.getHost(), backend.getPort());
        pump(client.getInputStream(), upstream.getOutputStream(), Long.MAX_VALUE, client, upstream);
        pump(upstream.getInputStream(), client.getOutputStream(), bytesPerSecond, client, upstream);
      } catch (IOException e) {
        // closed
      }
    }
  }

  private static void pump(InputStream in, OutputStream out, long rate, Socket a, Socket b) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[CHUNK];
              long start = System.nanoTime();
              long sent = 0;
              try {
                int n;
                while ((n = in.read(buf)) > 0) {
                  out.write(buf, 0, n);
                  out.flush();
                  sent += n;
                  if (rate != Long.MAX_VALUE) {
                    long due = start + sent * 1_000_000_000L / rate;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                  }
                }
              } catch (IOException | InterruptedException e) {
                // one side closed
              } finally {
                closeQuietly(a);
                closeQuietly(b);
              }
            },
            "throttling-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
