package io.heapfleet.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP proxy on 127.0.0.1 in front of an HTTP server, for tests: it forwards bytes unchanged (so
 * SigV4 signatures stay valid), records the request lines and headers clients send, and can cut the
 * connection when a request line matches, the way a failing network or server would.
 */
final class RecordingTcpProxy implements AutoCloseable {
  private static final Pattern HEADER =
      Pattern.compile("^[A-Za-z0-9-]+: .*|^(GET|PUT|POST|HEAD|DELETE) /.*");

  private static final Pattern REQUEST_START = Pattern.compile("(GET|PUT|POST|HEAD|DELETE) /");

  private final ServerSocket server;
  private final URI upstream;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile Predicate<String> cutWhen = line -> false;

  RecordingTcpProxy(URI upstream) throws IOException {
    this.upstream = upstream;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "recording-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** Request lines and headers seen so far, in order. */
  List<String> lines() {
    return List.copyOf(lines);
  }

  void clear() {
    lines.clear();
  }

  /** Cut the connection (before forwarding) when a request line/header matches. */
  void cutWhen(Predicate<String> predicate) {
    cutWhen = predicate;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket backend = new Socket(upstream.getHost(), upstream.getPort());
        sockets.add(client);
        sockets.add(backend);
        pump(client, backend, true);
        pump(backend, client, false);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to, boolean record) {
    Thread t =
        new Thread(
            () -> {
              ByteArrayOutputStream line = new ByteArrayOutputStream();
              List<String> request = new ArrayList<>();
              byte[] buf = new byte[65536];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  if (record && scan(buf, n, line, request)) {
                    from.close();
                    to.close();
                    return;
                  }
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // connection closed
              } finally {
                lines.addAll(request);
                try {
                  to.shutdownOutput();
                } catch (IOException e) {
                  // already closed
                }
              }
            },
            "recording-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Collects header-like lines into {@code request} and publishes them at the blank line that ends
   * a request's headers, in one step: with several parts in flight, requests on different
   * connections would otherwise interleave their header lines in {@link #lines()}. Returns true
   * when the connection must be cut.
   */
  private boolean scan(byte[] buf, int n, ByteArrayOutputStream line, List<String> request) {
    boolean cut = false;
    for (int i = 0; i < n; i++) {
      byte b = buf[i];
      if (b == '\n') {
        String s = requestLineAtEnd(line.toString(StandardCharsets.ISO_8859_1).strip());
        line.reset();
        if (s.isEmpty()) {
          lines.addAll(request);
          request.clear();
        } else if (HEADER.matcher(s).matches()) {
          request.add(s);
          if (cutWhen.test(s)) {
            cut = true;
          }
        }
      } else if (line.size() < 8192) {
        line.write(b);
      }
    }
    if (cut) {
      // Published before the connection is cut, so a test that sees the failure sees the request.
      lines.addAll(request);
      request.clear();
    }
    return cut;
  }

  /**
   * An unsigned body is not newline-terminated, so on a kept-alive connection the next request line
   * arrives glued to the previous body's last bytes: keep just the request line.
   */
  private static String requestLineAtEnd(String s) {
    if (!s.endsWith(" HTTP/1.1")) {
      return s;
    }
    Matcher m = REQUEST_START.matcher(s);
    int start = -1;
    while (m.find()) {
      start = m.start();
    }
    return start <= 0 ? s : s.substring(start);
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
