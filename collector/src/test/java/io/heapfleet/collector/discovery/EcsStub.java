package io.heapfleet.collector.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP server on 127.0.0.1 speaking the ECS JSON 1.1 protocol for {@code ListTasks} and
 * {@code DescribeTasks}, with responses shaped like the real service: pages of {@code pageSize}
 * ARNs with a {@code nextToken}, {@code failures} with reason {@code MISSING} for tasks that went
 * away between the calls, {@code ClusterNotFoundException} for an unknown cluster, and {@code
 * ThrottlingException} for the next {@code throttleNext} calls.
 */
final class EcsStub implements AutoCloseable {
  static final String REGION = "eu-west-1";
  static final String ACCOUNT = "123456789012";

  record StubTask(String service, String id, String lastStatus, String ip) {}

  private final ObjectMapper json = new ObjectMapper();
  private final HttpServer server;
  private final Map<String, List<StubTask>> clusters = new LinkedHashMap<>();
  final List<String> calls = new CopyOnWriteArrayList<>();
  final AtomicInteger throttleNext = new AtomicInteger();

  /** Task ids that ListTasks still reports but DescribeTasks says are MISSING (just stopped). */
  final List<String> vanishBetweenCalls = new CopyOnWriteArrayList<>();

  volatile int pageSize = 2;

  EcsStub() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  synchronized void setTasks(String cluster, List<StubTask> tasks) {
    clusters.put(cluster, new ArrayList<>(tasks));
  }

  static String arn(String cluster, String id) {
    return "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":task/" + cluster + "/" + id;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
      JsonNode body = json.readTree(ex.getRequestBody());
      String op = target == null ? "" : target.substring(target.indexOf('.') + 1);
      calls.add(op);
      if (throttleNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        error(ex, "ThrottlingException", "Rate exceeded");
        return;
      }
      String cluster = clusterName(body.path("cluster").asText("default"));
      List<StubTask> tasks;
      synchronized (this) {
        tasks = clusters.containsKey(cluster) ? List.copyOf(clusters.get(cluster)) : null;
      }
      if (tasks == null) {
        error(ex, "ClusterNotFoundException", "Cluster not found.");
        return;
      }
      switch (op) {
        case "ListTasks" -> listTasks(ex, cluster, tasks, body);
        case "DescribeTasks" -> describeTasks(ex, cluster, tasks, body);
        default -> error(ex, "InvalidParameterException", "unsupported operation " + op);
      }
    }
  }

  private static String clusterName(String clusterOrArn) {
    return clusterOrArn.substring(clusterOrArn.lastIndexOf('/') + 1);
  }

  private void listTasks(HttpExchange ex, String cluster, List<StubTask> tasks, JsonNode body)
      throws IOException {
    String service = body.path("serviceName").asText(null);
    List<String> arns = new ArrayList<>();
    for (StubTask t : tasks) {
      // desiredStatus=RUNNING also lists tasks still PROVISIONING/PENDING, like the real API.
      if ((service == null || service.equals(t.service())) && !"STOPPED".equals(t.lastStatus())) {
        arns.add(arn(cluster, t.id()));
      }
    }
    int from = body.hasNonNull("nextToken") ? Integer.parseInt(body.get("nextToken").asText()) : 0;
    int to = Math.min(arns.size(), from + pageSize);
    ObjectNode out = json.createObjectNode();
    ArrayNode page = out.putArray("taskArns");
    arns.subList(from, to).forEach(page::add);
    if (to < arns.size()) {
      out.put("nextToken", Integer.toString(to));
    }
    ok(ex, out);
  }

  private void describeTasks(HttpExchange ex, String cluster, List<StubTask> tasks, JsonNode body)
      throws IOException {
    if (body.path("tasks").size() > 100) {
      error(ex, "InvalidParameterException", "Tasks cannot be longer than 100.");
      return;
    }
    ObjectNode out = json.createObjectNode();
    ArrayNode described = out.putArray("tasks");
    ArrayNode failures = out.putArray("failures");
    for (JsonNode requested : body.path("tasks")) {
      String arn = requested.asText();
      String id = arn.substring(arn.lastIndexOf('/') + 1);
      StubTask task =
          tasks.stream()
              .filter(t -> t.id().equals(id) && !vanishBetweenCalls.contains(id))
              .findFirst()
              .orElse(null);
      if (task == null) {
        ObjectNode f = failures.addObject();
        f.put("arn", arn);
        f.put("reason", "MISSING");
        continue;
      }
      ObjectNode t = described.addObject();
      t.put("taskArn", arn);
      t.put("clusterArn", "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":cluster/" + cluster);
      t.put(
          "taskDefinitionArn",
          "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":task-definition/" + task.service() + ":7");
      t.put("group", "service:" + task.service());
      t.put("lastStatus", task.lastStatus());
      t.put("desiredStatus", "RUNNING");
      t.put("launchType", "FARGATE");
      t.put("cpu", "512");
      t.put("memory", "1024");
      t.put("createdAt", 1.7638e9);
      ArrayNode attachments = t.putArray("attachments");
      ObjectNode eni = attachments.addObject();
      eni.put("id", "a1b2c3d4-" + id);
      eni.put("type", "ElasticNetworkInterface");
      eni.put("status", "ATTACHED");
      ArrayNode details = eni.putArray("details");
      detail(details, "subnetId", "subnet-0abc");
      detail(details, "networkInterfaceId", "eni-0" + id);
      detail(details, "macAddress", "0a:1b:2c:3d:4e:5f");
      if (task.ip() != null) {
        detail(details, "privateIPv4Address", task.ip());
      }
      ArrayNode containers = t.putArray("containers");
      ObjectNode c = containers.addObject();
      c.put("name", task.service());
      c.put("lastStatus", task.lastStatus());
      c.put("taskArn", arn);
    }
    ok(ex, out);
  }

  private static void detail(ArrayNode details, String name, String value) {
    ObjectNode d = details.addObject();
    d.put("name", name);
    d.put("value", value);
  }

  private void ok(HttpExchange ex, JsonNode body) throws IOException {
    send(ex, 200, json.writeValueAsBytes(body));
  }

  private void error(HttpExchange ex, String type, String message) throws IOException {
    ObjectNode e = json.createObjectNode();
    e.put("__type", type);
    e.put("message", message);
    send(ex, 400, json.writeValueAsBytes(e));
  }

  private static void send(HttpExchange ex, int status, byte[] bytes) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
    ex.getResponseHeaders().set("x-amzn-RequestId", "req-" + System.nanoTime());
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
