package io.heapfleet.endpoint.alb;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP/1.1 proxy on 127.0.0.1 that routes like an ALB: each request on its own (round robin over
 * the targets), over pooled keep-alive connections to the targets, whatever client connection it
 * came on. With stickiness on, it answers every request with {@code Set-Cookie: AWSALB=<target>}
 * and sends a request carrying a valid {@code AWSALB} cookie to that target. Enough HTTP for GET
 * requests and Content-Length or chunked responses. Records where each request went. Thread-safe;
 * {@link #close()} stops it.
 */
final class AlbLikeProxy implements AutoCloseable {

  /** One routed request: its path, the target it went to, whether a cookie chose the target. */
  static final class Routed {
    final String path;
    final int target;
    final boolean byCookie;

    Routed(String path, int target, boolean byCookie) {
      this.path = path;
      this.target = target;
      this.byCookie = byCookie;
    }

    @Override
    public String toString() {
      return path + "->t" + target + (byCookie ? "(cookie)" : "");
    }
  }

  private static final Pattern COOKIE = Pattern.compile("(?:^|;\\s*)AWSALB=t(\\d+)");

  private final ServerSocket listener;
  private final List<URI> targets;
  private final boolean sticky;
  private final List<Deque<Socket>> pools = new ArrayList<>();
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger targetConnections = new AtomicInteger();
  private final List<Routed> routed = Collections.synchronizedList(new ArrayList<>());
  private final List<Socket> clients = Collections.synchronizedList(new ArrayList<>());

  private AlbLikeProxy(List<URI> targets, boolean sticky) throws IOException {
    this.targets = List.copyOf(targets);
    this.sticky = sticky;
    for (int i = 0; i < targets.size(); i++) {
      pools.add(new ArrayDeque<>());
    }
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    daemon(this::accept, "alb-accept");
  }

  static AlbLikeProxy start(List<URI> targets, boolean sticky) throws IOException {
    return new AlbLikeProxy(targets, sticky);
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
  }

  List<Routed> routed() {
    synchronized (routed) {
      return new ArrayList<>(routed);
    }
  }

  /** Connections opened to targets (fewer than requests: they are reused). */
  int targetConnections() {
    return targetConnections.get();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        clients.add(client);
        daemon(() -> serve(client), "alb-client");
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      while (true) {
        String head = readHead(in);
        if (head == null) {
          return;
        }
        String path =
            head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
        int target = -1;
        boolean byCookie = false;
        Matcher m = COOKIE.matcher(header(head, "cookie"));
        if (sticky && m.find()) {
          int t = Integer.parseInt(m.group(1));
          if (t >= 0 && t < targets.size()) {
            target = t;
            byCookie = true;
          }
        }
        if (target < 0) {
          target = Math.floorMod(next.getAndIncrement(), targets.size());
        }
        routed.add(new Routed(path, target, byCookie));
        forward(head, target, out);
      }
    } catch (IOException e) {
      // client or target gone: drop the client connection, as a balancer would
    }
  }

  private void forward(String head, int target, OutputStream client) throws IOException {
    Socket s = borrow(target);
    boolean reusable = false;
    try {
      OutputStream to = s.getOutputStream();
      to.write(head.getBytes(StandardCharsets.ISO_8859_1));
      to.flush();
      InputStream from = s.getInputStream();
      String response = readHead(from);
      if (response == null) {
        throw new IOException("target closed");
      }
      String withCookie = response;
      if (sticky) {
        withCookie =
            response.substring(0, response.length() - 2)
                + "Set-Cookie: AWSALB=t"
                + target
                + "; Path=/\r\n\r\n";
      }
      client.write(withCookie.getBytes(StandardCharsets.ISO_8859_1));
      String length = header(response, "content-length");
      boolean close = header(response, "connection").equalsIgnoreCase("close");
      if (header(response, "transfer-encoding").toLowerCase(Locale.ROOT).contains("chunked")) {
        copyChunked(from, client);
      } else if (!length.isEmpty()) {
        copy(from, client, Long.parseLong(length.trim()));
      } else if (close) {
        from.transferTo(client);
      }
      client.flush();
      reusable = !close;
    } finally {
      if (reusable) {
        synchronized (pools.get(target)) {
          pools.get(target).push(s);
        }
      } else {
        s.close();
      }
    }
  }

  private Socket borrow(int target) throws IOException {
    synchronized (pools.get(target)) {
      Socket s = pools.get(target).poll();
      if (s != null && !s.isClosed()) {
        return s;
      }
    }
    targetConnections.incrementAndGet();
    return new Socket("127.0.0.1", targets.get(target).getPort());
  }

  private static void copyChunked(InputStream from, OutputStream to) throws IOException {
    while (true) {
      String line = readLine(from);
      to.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      int semi = line.indexOf(';');
      long size = Long.parseLong((semi < 0 ? line : line.substring(0, semi)).trim(), 16);
      if (size == 0) {
        String trailer;
        do {
          trailer = readLine(from);
          to.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        } while (!trailer.isEmpty());
        return;
      }
      copy(from, to, size);
      String crlf = readLine(from);
      to.write((crlf + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      to.flush();
    }
  }

  private static void copy(InputStream from, OutputStream to, long n) throws IOException {
    byte[] buf = new byte[64 * 1024];
    while (n > 0) {
      int r = from.read(buf, 0, (int) Math.min(buf.length, n));
      if (r < 0) {
        throw new IOException("target closed mid-body");
      }
      to.write(buf, 0, r);
      n -= r;
    }
  }

  /** The request or response line and headers, through the blank line; null at a clean EOF. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int c = in.read();
      if (c < 0) {
        if (b.size() == 0) {
          return null;
        }
        throw new IOException("EOF inside a head");
      }
      b.write(c);
      state =
          (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
              ? state + 1
              : (c == '\r' ? 1 : 0);
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      if (c != '\r') {
        b.write(c);
      }
    }
    if (c < 0) {
      throw new IOException("EOF inside a line");
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  private static String header(String head, String name) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return "";
  }

  private static void daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    listener.close();
    synchronized (clients) {
      for (Socket c : clients) {
        c.close();
      }
    }
    for (Deque<Socket> pool : pools) {
      synchronized (pool) {
        for (Socket s : pool) {
          s.close();
        }
      }
    }
  }
}
