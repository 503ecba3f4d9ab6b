package io.heapfleet.cli.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tiny HTTP/1.1 round-robin load balancer on 127.0.0.1, standing in for an ALB in front of a
 * service's tasks: every client connection carries one request, forwarded to the next backend on a
 * new connection ({@code Connection: close} both ways), bodies streamed in both directions. This is
 * what makes {@code heapfleet fetch --task} retry: a request for the wrong task gets 421, and the
 * next connection lands on another task.
 *
 * <p>Used by the fetch tests and by {@code heapfleet demo}. Thread-safe; {@link #close()} stops it
 * and drops open connections.
 */
public final class RoundRobinProxy implements AutoCloseable {

  private static final int MAX_HEAD = 64 * 1024;
  private static final Set<String> HOP_BY_HOP =
      Set.of("connection", "keep-alive", "proxy-connection", "upgrade", "te", "trailer");

  private final List<InetSocketAddress> backends;
  private final ServerSocket server;
  private final ExecutorService pool;
  private final AtomicLong next = new AtomicLong();
  private final AtomicLong forwarded = new AtomicLong();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  private RoundRobinProxy(List<InetSocketAddress> backends, ServerSocket server) {
    this.backends = backends;
    this.server = server;
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "round-robin-proxy-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts a proxy on 127.0.0.1 and a free port over {@code backends} ({@code http://host:port}).
   */
  public static RoundRobinProxy start(List<URI> backends) throws IOException {
    return start(backends, 0);
  }

  /** Starts a proxy on 127.0.0.1:{@code port} (0 for a free port). */
  public static RoundRobinProxy start(List<URI> backends, int port) throws IOException {
    if (backends.isEmpty()) {
      throw new IllegalArgumentException("a proxy needs at least one backend");
    }
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (URI b : backends) {
      if (!"http".equals(b.getScheme()) || b.getHost() == null || b.getPort() < 0) {
        throw new IllegalArgumentException("backend '" + b + "' is not http://host:port");
      }
      addresses.add(InetSocketAddress.createUnresolved(b.getHost(), b.getPort()));
    }
    ServerSocket server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
    RoundRobinProxy proxy = new RoundRobinProxy(List.copyOf(addresses), server);
    proxy.pool.execute(proxy::acceptLoop);
    return proxy;
  }

  /** The proxy's base URI, e.g. {@code http://127.0.0.1:41234}. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  public int port() {
    return server.getLocalPort();
  }

  /** How many requests were forwarded so far. */
  public long forwarded() {
    return forwarded.get();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket s : open) {
      closeQuietly(s);
    }
    pool.shutdownNow();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        open.add(client);
        pool.execute(() -> serve(client));
      } catch (IOException e) {
        if (server.isClosed()) {
          return;
        }
      } catch (java.util.concurrent.RejectedExecutionException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    Socket backend = null;
    try (client) {
      InputStream fromClient = client.getInputStream();
      Head request = Head.read(fromClient);
      if (request == null) {
        return;
      }
      InetSocketAddress target = backends.get((int) (next.getAndIncrement() % backends.size()));
      backend = new Socket();
      open.add(backend);
      backend.connect(new InetSocketAddress(target.getHostString(), target.getPort()), 5000);
      OutputStream toBackend = backend.getOutputStream();
      String host = target.getHostString() + ":" + target.getPort();
      toBackend.write(request.rewrite(host, client.getInetAddress().getHostAddress()));
      long length = request.contentLength();
      if (length > 0) {
        copy(request.leftover(), fromClient, toBackend, length);
      }
      toBackend.flush();
      forwarded.incrementAndGet();
      InputStream fromBackend = backend.getInputStream();
      Head response = Head.read(fromBackend);
      if (response == null) {
        return;
      }
      OutputStream toClient = client.getOutputStream();
      toClient.write(response.rewrite(null, null));
      copy(response.leftover(), fromBackend, toClient, Long.MAX_VALUE);
      toClient.flush();
    } catch (IOException e) {
      // A side hung up (a client that stops reading a dump, a backend that died): just close.
    } finally {
      if (backend != null) {
        closeQuietly(backend);
        open.remove(backend);
      }
      open.remove(client);
    }
  }

  private static void copy(byte[] first, InputStream in, OutputStream out, long limit)
      throws IOException {
    long remaining = limit;
    int head = (int) Math.min(first.length, remaining);
    out.write(first, 0, head);
    remaining -= head;
    byte[] buf = new byte[64 * 1024];
    while (remaining > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
      if (n < 0) {
        return;
      }
      out.write(buf, 0, n);
      remaining -= n;
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // nothing to do
    }
  }

  /** A request or response head (start line + headers) and the bytes read past it. */
  private static final class Head {
    final String startLine;
    final List<String> headers;
    final byte[] leftover;

    private Head(String startLine, List<String> headers, byte[] leftover) {
      this.startLine = startLine;
      this.headers = headers;
      this.leftover = leftover;
    }

    static Head read(InputStream in) throws IOException {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      byte[] chunk = new byte[8192];
      int end = -1;
      while (end < 0) {
        int n;
        try {
          n = in.read(chunk);
        } catch (SocketException e) {
          return null;
        }
        if (n < 0) {
          return null;
        }
        buf.write(chunk, 0, n);
        end = indexOfEndOfHead(buf.toByteArray());
        if (end < 0 && buf.size() > MAX_HEAD) {
          throw new IOException("HTTP head larger than " + MAX_HEAD + " bytes");
        }
      }
      byte[] all = buf.toByteArray();
      String text = new String(all, 0, end, StandardCharsets.ISO_8859_1);
      String[] lines = text.split("\r\n");
      List<String> headers = new ArrayList<>();
      for (int i = 1; i < lines.length; i++) {
        if (!lines[i].isEmpty()) {
          headers.add(lines[i]);
        }
      }
      byte[] leftover = java.util.Arrays.copyOfRange(all, end + 4, all.length);
      return new Head(lines[0], headers, leftover);
    }

    private static int indexOfEndOfHead(byte[] b) {
      for (int i = 0; i + 3 < b.length; i++) {
        if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
          return i;
        }
      }
      return -1;
    }

    byte[] leftover() {
      return leftover;
    }

    long contentLength() {
      for (String h : headers) {
        int colon = h.indexOf(':');
        if (colon > 0 && h.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
          return Long.parseLong(h.substring(colon + 1).trim());
        }
      }
      return 0;
    }

    /** The head with hop-by-hop headers replaced by {@code Connection: close}. */
    byte[] rewrite(String host, String forwardedFor) {
      StringBuilder sb = new StringBuilder(startLine).append("\r\n");
      for (String h : headers) {
        int colon = h.indexOf(':');
        String name = colon > 0 ? h.substring(0, colon).trim().toLowerCase(Locale.ROOT) : "";
        if (HOP_BY_HOP.contains(name) || (host != null && name.equals("host"))) {
          continue;
        }
        sb.append(h).append("\r\n");
      }
      if (host != null) {
        sb.append("Host: ").append(host).append("\r\n");
      }
      if (forwardedFor != null) {
        sb.append("X-Forwarded-For: ").append(forwardedFor).append("\r\n");
      }
      sb.append("Connection: close\r\n\r\n");
      return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
  }
}
