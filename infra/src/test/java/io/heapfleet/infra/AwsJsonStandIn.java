package io.heapfleet.infra;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/**
 * A local server on 127.0.0.1 speaking the AWS JSON 1.1 protocol (the ECS and Secrets Manager
 * APIs): each request's {@code X-Amz-Target} operation and body go to a handler that answers a JSON
 * body, or an {@link Error} the real service would send ({@code __type}, HTTP 400). Records every
 * call.
 */
final class AwsJsonStandIn implements AutoCloseable {
  /** An error answer: the exception type the SDK maps to its exception class. */
  record Error(String type, String message) {}

  record Call(String operation, String body) {}

  final List<Call> calls = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  AwsJsonStandIn(BiFunction<String, String, Object> handler) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          try (ex) {
            String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
            String op = target == null ? "" : target.substring(target.indexOf('.') + 1);
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            calls.add(new Call(op, body));
            Object answer = handler.apply(op, body);
            int status = 200;
            String json;
            if (answer instanceof Error e) {
              status = 400;
              json = "{\"__type\":\"" + e.type() + "\",\"message\":\"" + e.message() + "\"}";
            } else {
              json = answer.toString();
            }
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
            ex.getResponseHeaders().set("x-amzn-RequestId", "req-" + System.nanoTime());
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
              out.write(bytes);
            }
          }
        });
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
