package io.heapfleet.collector.testing;

import io.heapfleet.auth.Secret;
import io.heapfleet.auth.TaskCredentials;
import io.heapfleet.endpoint.HeapfleetHeaders;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake {@code /heapdump} endpoint on 127.0.0.1 that holds the fleet's secret (a compromised or
 * broken task, not a stranger): it answers the identity proof correctly, then answers the dump
 * request with a valid response head (200, {@code X-Heapdump-Task}, a file name, chosen extra
 * headers) and whatever body its {@link Body} writes: a trickle, an endless stream, a bomb. Speaks
 * plain HTTP/1.1 over a socket so the test controls every byte and every pause. Thread-safe; one
 * thread per connection.
 */
public final class HostileTarget implements AutoCloseable {
  /** Writes a response body; returning or throwing closes the connection. */
  public interface Body {
    void write(OutputStream out) throws IOException, InterruptedException;
  }

  private final ServerSocket server;
  private final String taskId;
  private final String extraHeaders;
  private final Body body;
  private final TaskCredentials credentials =
      TaskCredentials.of(Secret.of(TaskJvm.SECRET, false), "heapdump");
  private final AtomicInteger requests = new AtomicInteger();
  private final Thread acceptor;

  /**
   * @param extraHeaders header lines, each ending in CRLF (e.g. {@code X-Heapdump-Hprof-Bytes})
   */
  public HostileTarget(String taskId, String format, String extraHeaders, Body body)
      throws IOException {
    this.server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    this.taskId = taskId;
    this.extraHeaders = HeapfleetHeaders.FORMAT + ": " + format + "\r\n" + extraHeaders;
    this.body = body;
    this.acceptor = new Thread(this::accept, "hostile-target-" + taskId);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public URI base() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  public String taskId() {
    return taskId;
  }

  /** Dump requests answered so far (proofs not counted). */
  public int requests() {
    return requests.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        Thread t = new Thread(() -> serve(s), "hostile-target-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket s) {
    try (s;
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream()) {
      String head0 = readHead(in);
      if (head0.startsWith("GET /heapdump/proof")) {
        answerProof(head0, out);
        return;
      }
      requests.incrementAndGet();
      String head =
          "HTTP/1.1 200 OK\r\n"
              + HeapfleetHeaders.TASK
              + ": "
              + taskId
              + "\r\n"
              + "Content-Disposition: attachment; filename=\""
              + taskId
              + "-20261122T010000Z.hprof.gz\"\r\n"
              + extraHeaders
              + "Connection: close\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      body.write(out);
    } catch (IOException e) {
      // the collector hung up: what a hostile target sees when it is cut off
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void answerProof(String head, OutputStream out) throws IOException {
    String challenge = header(head, HeapfleetHeaders.CHALLENGE);
    String nonce = TaskCredentials.randomHex();
    String json =
        "{\"taskId\":\""
            + taskId
            + "\",\"challenge\":\""
            + challenge
            + "\",\"nonce\":\""
            + nonce
            + "\",\"proof\":\""
            + credentials.proof(challenge, nonce, taskId)
            + "\"}";
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    String response =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
            + body.length
            + "\r\nConnection: close\r\n\r\n";
    out.write(response.getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
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

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && head.size() < 65536) {
      head.write(b);
      byte[] h = head.toByteArray();
      int n = h.length;
      if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
        break;
      }
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
