package io.heapfleet.testsupport.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AWS Secrets Manager's {@code GetSecretValue} over the JSON 1.1 protocol on 127.0.0.1 and a port
 * the OS picks, for a real AWS SDK client pointed at {@link #endpoint()}. Secrets are kept by name
 * and staging label ({@code AWSCURRENT} unless the request names another); an unknown one gets the
 * {@code ResourceNotFoundException} AWS sends. Records each request's {@code X-Amz-Target} and
 * staging label. Thread-safe.
 */
public final class SecretsManagerStandIn implements AutoCloseable {
  /** The label a request without {@code VersionStage} asks for. */
  public static final String CURRENT = "AWSCURRENT";

  /** The label of the value before the last rotation. */
  public static final String PREVIOUS = "AWSPREVIOUS";

  private static final String ARN_PREFIX = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:";

  private final HttpServer server;
  private final Map<String, String> values = new ConcurrentHashMap<>();
  private final List<String> targets = new ArrayList<>();
  private final List<String> stagesAsked = new ArrayList<>();

  private SecretsManagerStandIn(HttpServer server) {
    this.server = server;
  }

  /** Starts an empty stand-in. */
  public static SecretsManagerStandIn start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    SecretsManagerStandIn sm = new SecretsManagerStandIn(server);
    server.createContext("/", sm::handle);
    server.start();
    return sm;
  }

  /** Where to point the SDK client ({@code endpointOverride}). */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Stores {@code secretString} as the {@code AWSCURRENT} value of {@code name}. */
  public void put(String name, String secretString) {
    put(name, CURRENT, secretString);
  }

  /** Stores {@code secretString} under {@code name} and {@code stage}; null removes it. */
  public void put(String name, String stage, String secretString) {
    if (secretString == null) {
      values.remove(key(name, stage));
    } else {
      values.put(key(name, stage), secretString);
    }
  }

  /** The {@code X-Amz-Target} header of every request so far. */
  public synchronized List<String> targets() {
    return new ArrayList<>(targets);
  }

  /** The staging label every request so far asked for. */
  public synchronized List<String> stagesAsked() {
    return new ArrayList<>(stagesAsked);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String name = field(body, "SecretId");
      String stage = field(body, "VersionStage");
      if (stage == null) {
        stage = CURRENT;
      }
      synchronized (this) {
        targets.add(ex.getRequestHeaders().getFirst("X-Amz-Target"));
        stagesAsked.add(stage);
      }
      String value = name == null ? null : values.get(key(name, stage));
      int status;
      String out;
      if (value != null) {
        status = 200;
        out =
            "{\"ARN\":"
                + quote(ARN_PREFIX + name + "-AbCdEf")
                + ",\"Name\":"
                + quote(name)
                + ",\"VersionId\":"
                + quote("v-" + stage)
                + ",\"SecretString\":"
                + quote(value)
                + ",\"VersionStages\":["
                + quote(stage)
                + "],\"CreatedDate\":1.7638E9}";
      } else {
        status = 400;
        out =
            "{\"__type\":\"ResourceNotFoundException\",\"message\":"
                + quote(
                    CURRENT.equals(stage)
                        ? "Secrets Manager can't find the specified secret."
                        : "Secrets Manager can't find the specified secret value for staging"
                            + " label: "
                            + stage)
                + "}";
      }
      byte[] bytes = out.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
      ex.sendResponseHeaders(status, bytes.length);
      ex.getResponseBody().write(bytes);
    }
  }

  private static String key(String name, String stage) {
    return name + "\n" + stage;
  }

  /** A top-level string field of the request; the SDK writes no escapes in ids and labels. */
  private static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"\\\\]*)\"").matcher(json);
    return m.find() ? m.group(1) : null;
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
