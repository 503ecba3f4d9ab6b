package io.heapfleet.collector.discovery;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local HTTP server on 127.0.0.1 speaking the AWS query protocol (EC2, STS): a form-encoded POST
 * with {@code Action} and {@code Version}, answered with an XML document, errors as the service
 * sends them. Subclasses answer one action each.
 */
abstract class QueryProtocolStub implements AutoCloseable {
  private final HttpServer server;

  /** Every request's form parameters, in order. */
  final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();

  QueryProtocolStub() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The XML body for a request, or null for an unknown action. */
  abstract String answer(Map<String, String> form);

  /** An XML error document in the service's shape. */
  abstract String error(String code, String message);

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, String> form = new LinkedHashMap<>();
      for (String pair : body.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          form.put(
              URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
      requests.add(form);
      String xml = answer(form);
      int status = 200;
      if (xml == null) {
        status = 400;
        xml = error("InvalidAction", "unsupported action " + form.get("Action"));
      }
      byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "text/xml;charset=UTF-8");
      ex.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** The values of a numbered list parameter: {@code InstanceId.1}, {@code InstanceId.2}... */
  static List<String> list(Map<String, String> form, String name) {
    List<String> values = new java.util.ArrayList<>();
    for (int i = 1; form.containsKey(name + "." + i); i++) {
      values.add(form.get(name + "." + i));
    }
    return values;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
