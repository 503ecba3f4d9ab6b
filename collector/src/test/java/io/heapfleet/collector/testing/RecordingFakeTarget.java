package io.heapfleet.collector.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.heapfleet.endpoint.HeapfleetHeaders;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A fake {@code /heapdump} endpoint on 127.0.0.1 that records every request it receives (method,
 * path with query, every header) and claims whatever task id it is told to. Without the secret it
 * answers proofs with random bytes, as a stranger in a target list or behind a balancer would; with
 * the secret it answers them correctly, even for ids the rules forbid (a compromised or
 * misconfigured task). It counts the dump requests it gets, and answers them with a few bytes.
 */
public final class RecordingFakeTarget implements AutoCloseable {

  /** One request as the fake saw it. */
  public record Recorded(String method, String pathAndQuery, Map<String, List<String>> headers) {}

  private final HttpServer server;
  private final String claimedId;
  private final String secret;
  private final List<Recorded> recorded = new ArrayList<>();
  private final AtomicInteger dumpRequests = new AtomicInteger();

  private RecordingFakeTarget(String claimedId, String secret) throws IOException {
    this.claimedId = claimedId;
    this.secret = secret;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::serve);
    server.start();
  }

  /** A stranger claiming {@code taskId} without the secret. */
  public static RecordingFakeTarget stranger(String taskId) throws IOException {
    return new RecordingFakeTarget(taskId, null);
  }

  /** An endpoint holding {@code secret} that claims {@code taskId}, valid or not. */
  public static RecordingFakeTarget withSecret(String taskId, String secret) throws IOException {
    return new RecordingFakeTarget(taskId, secret);
  }

  public URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Everything received so far. */
  public List<Recorded> recorded() {
    synchronized (recorded) {
      return List.copyOf(recorded);
    }
  }

  /** Requests for {@code /heapdump} itself (a dump would have been taken). */
  public int dumpRequests() {
    return dumpRequests.get();
  }

  private void serve(HttpExchange exchange) throws IOException {
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, List.copyOf(v)));
    String path = exchange.getRequestURI().getPath();
    String raw = exchange.getRequestURI().getRawQuery();
    synchronized (recorded) {
      recorded.add(
          new Recorded(
              exchange.getRequestMethod(), path + (raw == null ? "" : "?" + raw), headers));
    }
    try (exchange) {
      switch (path) {
        case "/heapdump/proof" -> {
          String challenge = exchange.getRequestHeaders().getFirst(HeapfleetHeaders.CHALLENGE);
          String nonce = HexFormat.of().formatHex(random(16));
          String proof =
              secret == null
                  ? HexFormat.of().formatHex(random(32))
                  : hmac("heapfleet-proof-v1\n" + challenge + "\n" + nonce + "\n" + claimedId);
          send(
              exchange,
              200,
              "{\"taskId\":"
                  + json(claimedId)
                  + ",\"challenge\":"
                  + json(challenge)
                  + ",\"nonce\":\""
                  + nonce
                  + "\",\"proof\":\""
                  + proof
                  + "\"}");
        }
        case "/heapdump/identity" ->
            send(
                exchange,
                200,
                "{\"taskId\":" + json(claimedId) + ",\"cluster\":\"prod\",\"service\":\"orders\"}");
        case "/heapdump" -> {
          dumpRequests.incrementAndGet();
          exchange
              .getResponseHeaders()
              .set(HeapfleetHeaders.TASK, claimedId.replaceAll("[\\r\\n]", ""));
          exchange
              .getResponseHeaders()
              .set("Content-Disposition", "attachment; filename=\"fake.hprof\"");
          send(exchange, 200, "not a dump");
        }
        default -> send(exchange, 404, "{\"error\":\"not_found\"}");
      }
    }
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private String hmac(String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new SecureRandom().nextBytes(b);
    return b;
  }

  private static String json(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
