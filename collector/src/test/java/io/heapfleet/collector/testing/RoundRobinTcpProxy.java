package io.heapfleet.collector.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A load balancer for tests: a TCP proxy on 127.0.0.1 that sends each new connection to the next
 * backend in turn, like an ALB spreading connections over a service's tasks.
 */
public final class RoundRobinTcpProxy implements AutoCloseable {
  private final ServerSocket server;
  private final List<URI> backends;
  private final AtomicInteger next = new AtomicInteger();
  private final Thread acceptor;

  public RoundRobinTcpProxy(List<URI> backends) throws IOException {
    this.backends = List.copyOf(backends);
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::acceptLoop, "rr-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        URI b = backends.get(Math.floorMod(next.getAndIncrement(), backends.size()));
        Socket upstream = new Socket();
        upstream.connect(new InetSocketAddress(b.getHost(), b.getPort()), 5000);
        pipe(client, upstream);
        pipe(upstream, client);
      } catch (IOException e) {
        // closed, or a backend is down: drop this connection
      }
    }
  }

  private static void pipe(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
              } catch (IOException e) {
                // one side closed
              } finally {
                try {
                  from.close();
                  to.close();
                } catch (IOException ignored) {
                  // closing
                }
              }
            },
            "rr-proxy-pipe");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
