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
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * A local HTTP server on 127.0.0.1 speaking the ECS JSON 1.1 protocol for {@code ListTasks}, {@code
 * DescribeTasks}, {@code DescribeTaskDefinition}, {@code DescribeContainerInstances}, {@code
 * ListServices} and {@code DescribeServices}, with responses shaped like the real service: pages of
 * {@code pageSize} ARNs with a {@code nextToken}, {@code failures} with reason {@code MISSING} for
 * tasks that went away between the calls, {@code ClusterNotFoundException} for an unknown cluster,
 * {@code ServiceNotFoundException} for a deleted service, tags only with {@code include=TAGS},
 * {@code networkBindings} for bridge/host tasks, and {@code ThrottlingException} for the next
 * {@code throttleNext} calls. Task definitions not registered with {@link #taskDefinition} are
 * {@code awsvpc} with one container named after the service and no port declaration.
 */
final class EcsStub implements AutoCloseable {
  static final String REGION = "eu-west-1";
  static final String ACCOUNT = "123456789012";

  /**
   * One task. {@code taskDefinition} is {@code family:revision} (null: {@code <service>:7}); {@code
   * bindings} maps container name to container port to host port ({@code networkBindings}); {@code
   * health} is the task's {@code healthStatus} (null: none reported).
   */
  record StubTask(
      String service,
      String id,
      String lastStatus,
      String ip,
      String taskDefinition,
      String containerInstance,
      Map<String, Map<Integer, Integer>> bindings,
      String health,
      Instant startedAt,
      Map<String, String> tags,
      String ipv6) {

    StubTask(String service, String id, String lastStatus, String ip) {
      this(service, id, lastStatus, ip, null, null, Map.of(), null, null, Map.of(), null);
    }

    StubTask withTaskDefinition(String familyRevision) {
      return copy(c -> c.taskDefinition = familyRevision);
    }

    /** A bridge/host task on {@code containerInstance} with these host port bindings. */
    StubTask onInstance(String instance, Map<String, Map<Integer, Integer>> portBindings) {
      return copy(
          c -> {
            c.ip = null;
            c.containerInstance = instance;
            c.bindings = portBindings;
          });
    }

    StubTask withHealth(String status) {
      return copy(c -> c.health = status);
    }

    StubTask startedAt(Instant at) {
      return copy(c -> c.startedAt = at);
    }

    StubTask withTags(Map<String, String> t) {
      return copy(c -> c.tags = t);
    }

    StubTask withIpv6Only(String address) {
      return copy(
          c -> {
            c.ip = null;
            c.ipv6 = address;
          });
    }

    private StubTask copy(Consumer<Copy> change) {
      Copy c = new Copy(this);
      change.accept(c);
      return new StubTask(
          service,
          id,
          lastStatus,
          c.ip,
          c.taskDefinition,
          c.containerInstance,
          c.bindings,
          c.health,
          c.startedAt,
          c.tags,
          c.ipv6);
    }

    /** The fields a {@code with...} method may change, for {@link #copy}. */
    private static final class Copy {
      String ip;
      String taskDefinition;
      String containerInstance;
      Map<String, Map<Integer, Integer>> bindings;
      String health;
      Instant startedAt;
      Map<String, String> tags;
      String ipv6;

      Copy(StubTask t) {
        ip = t.ip();
        taskDefinition = t.taskDefinition();
        containerInstance = t.containerInstance();
        bindings = t.bindings();
        health = t.health();
        startedAt = t.startedAt();
        tags = t.tags();
        ipv6 = t.ipv6();
      }
    }

    String taskDefinitionOrDefault() {
      return taskDefinition != null ? taskDefinition : service + ":7";
    }
  }

  /**
   * One container definition: port mappings (container port → mapping name, name may be null),
   * docker labels, and whether it has a health check.
   */
  record StubContainer(
      String name, Map<Integer, String> ports, Map<String, String> labels, boolean healthCheck) {}

  private final ObjectMapper json = new ObjectMapper();
  private final HttpServer server;
  private final Map<String, List<StubTask>> clusters = new LinkedHashMap<>();
  private final Map<String, ObjectNode> taskDefinitions = new ConcurrentHashMap<>();
  private final Map<String, String> ec2InstanceOf = new ConcurrentHashMap<>();

  /** Per cluster: service name → tags; when a cluster has an entry, ListServices lists them. */
  private final Map<String, Map<String, Map<String, String>>> services = new ConcurrentHashMap<>();

  /** Services ListTasks answers with ServiceNotFoundException (deleted). */
  final Set<String> deletedServices = ConcurrentHashMap.newKeySet();

  /** The access key id each request was signed with (SigV4 {@code Credential=}). */
  final List<String> accessKeys = new CopyOnWriteArrayList<>();

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

  /** A new real SDK client for this stub (test credentials, the stub's region). */
  EcsClient client() {
    return EcsClient.builder()
        .endpointOverride(endpoint())
        .region(Region.of(REGION))
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  synchronized void setTasks(String cluster, List<StubTask> tasks) {
    clusters.put(cluster, new ArrayList<>(tasks));
  }

  synchronized void removeCluster(String cluster) {
    clusters.remove(cluster);
  }

  /** Registers {@code family:revision} with its network mode and containers. */
  void taskDefinition(String familyRevision, String networkMode, StubContainer... containers) {
    ObjectNode td = json.createObjectNode();
    td.put("taskDefinitionArn", taskDefinitionArn(familyRevision));
    td.put("family", familyRevision.substring(0, familyRevision.indexOf(':')));
    td.put("revision", Integer.parseInt(familyRevision.substring(familyRevision.indexOf(':') + 1)));
    td.put("networkMode", networkMode);
    td.put("status", "ACTIVE");
    ArrayNode defs = td.putArray("containerDefinitions");
    for (StubContainer c : containers) {
      ObjectNode d = defs.addObject();
      d.put("name", c.name());
      d.put("image", "example/" + c.name() + ":1");
      d.put("essential", true);
      ArrayNode mappings = d.putArray("portMappings");
      c.ports()
          .forEach(
              (port, name) -> {
                ObjectNode m = mappings.addObject();
                m.put("containerPort", port);
                if (!"awsvpc".equals(networkMode) && !"host".equals(networkMode)) {
                  m.put("hostPort", 0); // dynamic host port
                } else {
                  m.put("hostPort", port);
                }
                m.put("protocol", "tcp");
                if (name != null) {
                  m.put("name", name);
                }
              });
      ObjectNode labels = d.putObject("dockerLabels");
      c.labels().forEach(labels::put);
      if (c.healthCheck()) {
        ObjectNode hc = d.putObject("healthCheck");
        hc.putArray("command").add("CMD-SHELL").add("curl -f http://localhost/ || exit 1");
        hc.put("interval", 30);
      }
    }
    taskDefinitions.put(familyRevision, td);
  }

  /** Registers a container instance (by its id, the last ARN segment) on an EC2 instance. */
  void containerInstance(String id, String ec2InstanceId) {
    ec2InstanceOf.put(id, ec2InstanceId);
  }

  /** Declares the services of {@code cluster} with their tags (for ListServices). */
  void services(String cluster, Map<String, Map<String, String>> tagsOfService) {
    services.put(cluster, new LinkedHashMap<>(tagsOfService));
  }

  static String taskDefinitionArn(String familyRevision) {
    return "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":task-definition/" + familyRevision;
  }

  static String containerInstanceArn(String cluster, String id) {
    return "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":container-instance/" + cluster + "/" + id;
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
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      if (auth != null && auth.contains("Credential=")) {
        String cred = auth.substring(auth.indexOf("Credential=") + "Credential=".length());
        accessKeys.add(cred.substring(0, cred.indexOf('/')));
      }
      if (throttleNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        error(ex, "ThrottlingException", "Rate exceeded");
        return;
      }
      if (op.equals("DescribeTaskDefinition")) {
        describeTaskDefinition(ex, body); // not per cluster
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
        case "DescribeContainerInstances" -> describeContainerInstances(ex, cluster, body);
        case "ListServices" -> listServices(ex, cluster);
        case "DescribeServices" -> describeServices(ex, cluster, body);
        default -> error(ex, "InvalidParameterException", "unsupported operation " + op);
      }
    }
  }

  private static String clusterName(String clusterOrArn) {
    return lastSegment(clusterOrArn);
  }

  /** The id at the end of an ARN (or the name itself when it is not one). */
  private static String lastSegment(String arnOrName) {
    return arnOrName.substring(arnOrName.lastIndexOf('/') + 1);
  }

  private void listTasks(HttpExchange ex, String cluster, List<StubTask> tasks, JsonNode body)
      throws IOException {
    String service = body.path("serviceName").asText(null);
    if (service != null && deletedServices.contains(service)) {
      error(ex, "ServiceNotFoundException", "Service not found.");
      return;
    }
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
    if (tooMany(ex, body, "tasks", "Tasks", 100)) {
      return;
    }
    ObjectNode out = json.createObjectNode();
    ArrayNode described = out.putArray("tasks");
    ArrayNode failures = out.putArray("failures");
    for (JsonNode requested : body.path("tasks")) {
      String arn = requested.asText();
      String id = lastSegment(arn);
      StubTask task =
          tasks.stream()
              .filter(t -> t.id().equals(id) && !vanishBetweenCalls.contains(id))
              .findFirst()
              .orElse(null);
      if (task == null) {
        missing(failures, arn);
        continue;
      }
      ObjectNode t = described.addObject();
      t.put("taskArn", arn);
      t.put("clusterArn", "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":cluster/" + cluster);
      t.put("taskDefinitionArn", taskDefinitionArn(task.taskDefinitionOrDefault()));
      if (task.service() != null) {
        t.put("group", "service:" + task.service());
      } else {
        String family = task.taskDefinitionOrDefault();
        t.put("group", "family:" + family.substring(0, family.indexOf(':')));
      }
      if (task.containerInstance() != null) {
        t.put("containerInstanceArn", containerInstanceArn(cluster, task.containerInstance()));
        t.put("launchType", "EC2");
      } else {
        t.put("launchType", "FARGATE");
      }
      if (task.health() != null) {
        t.put("healthStatus", task.health());
      }
      if (task.startedAt() != null) {
        t.put("startedAt", task.startedAt().toEpochMilli() / 1000.0);
      }
      if (includes(body, "TAGS")) {
        tags(t, task.tags());
      }
      t.put("lastStatus", task.lastStatus());
      t.put("desiredStatus", "RUNNING");
      t.put("cpu", "512");
      t.put("memory", "1024");
      t.put("createdAt", 1.7638e9);
      ArrayNode attachments = t.putArray("attachments");
      ArrayNode containers = t.putArray("containers");
      if (task.containerInstance() != null) {
        // bridge/host mode: no ENI; each container's port bindings on the instance.
        task.bindings()
            .forEach(
                (name, ports) -> {
                  ObjectNode c = containers.addObject();
                  c.put("name", name);
                  c.put("lastStatus", task.lastStatus());
                  c.put("taskArn", arn);
                  ArrayNode nb = c.putArray("networkBindings");
                  ports.forEach(
                      (containerPort, hostPort) -> {
                        ObjectNode b = nb.addObject();
                        b.put("bindIP", "0.0.0.0");
                        b.put("containerPort", containerPort);
                        b.put("hostPort", hostPort);
                        b.put("protocol", "tcp");
                      });
                });
        continue;
      }
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
      if (task.ipv6() != null) {
        detail(details, "ipv6Address", task.ipv6());
      }
      ObjectNode c = containers.addObject();
      c.put("name", task.service() != null ? task.service() : "app");
      c.put("lastStatus", task.lastStatus());
      c.put("taskArn", arn);
    }
    ok(ex, out);
  }

  private static boolean includes(JsonNode body, String field) {
    for (JsonNode n : body.path("include")) {
      if (field.equals(n.asText())) {
        return true;
      }
    }
    return false;
  }

  private void describeTaskDefinition(HttpExchange ex, JsonNode body) throws IOException {
    String requested = body.path("taskDefinition").asText();
    String familyRevision = lastSegment(requested);
    ObjectNode td = taskDefinitions.get(familyRevision);
    if (td == null) {
      String family = familyRevision.substring(0, familyRevision.indexOf(':'));
      taskDefinition(
          familyRevision, "awsvpc", new StubContainer(family, Map.of(), Map.of(), false));
      td = taskDefinitions.get(familyRevision);
    }
    ObjectNode out = json.createObjectNode();
    out.set("taskDefinition", td);
    ok(ex, out);
  }

  private void describeContainerInstances(HttpExchange ex, String cluster, JsonNode body)
      throws IOException {
    if (tooMany(ex, body, "containerInstances", "containerInstances", 100)) {
      return;
    }
    ObjectNode out = json.createObjectNode();
    ArrayNode found = out.putArray("containerInstances");
    ArrayNode failures = out.putArray("failures");
    for (JsonNode requested : body.path("containerInstances")) {
      String arn = requested.asText();
      String id = lastSegment(arn);
      String ec2 = ec2InstanceOf.get(id);
      if (ec2 == null) {
        missing(failures, arn);
        continue;
      }
      ObjectNode ci = found.addObject();
      ci.put("containerInstanceArn", containerInstanceArn(cluster, id));
      ci.put("ec2InstanceId", ec2);
      ci.put("status", "ACTIVE");
      ci.put("agentConnected", true);
    }
    ok(ex, out);
  }

  private void listServices(HttpExchange ex, String cluster) throws IOException {
    ObjectNode out = json.createObjectNode();
    ArrayNode arns = out.putArray("serviceArns");
    services
        .getOrDefault(cluster, Map.of())
        .keySet()
        .forEach(
            s ->
                arns.add(
                    "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":service/" + cluster + "/" + s));
    ok(ex, out);
  }

  private void describeServices(HttpExchange ex, String cluster, JsonNode body) throws IOException {
    if (tooMany(ex, body, "services", "services", 10)) {
      return;
    }
    ObjectNode out = json.createObjectNode();
    ArrayNode found = out.putArray("services");
    out.putArray("failures");
    Map<String, Map<String, String>> known = services.getOrDefault(cluster, Map.of());
    for (JsonNode requested : body.path("services")) {
      String name = lastSegment(requested.asText());
      Map<String, String> tags = known.get(name);
      if (tags == null) {
        continue;
      }
      ObjectNode s = found.addObject();
      s.put("serviceName", name);
      s.put("status", "ACTIVE");
      if (includes(body, "TAGS")) {
        tags(s, tags);
      }
    }
    ok(ex, out);
  }

  /**
   * Whether the request's {@code field} lists more than {@code max} items; if so, answers with the
   * real API's InvalidParameterException ({@code <name> cannot be longer than <max>.}).
   */
  private boolean tooMany(HttpExchange ex, JsonNode body, String field, String name, int max)
      throws IOException {
    if (body.path(field).size() <= max) {
      return false;
    }
    error(ex, "InvalidParameterException", name + " cannot be longer than " + max + ".");
    return true;
  }

  /** A {@code failures} entry for an ARN the cluster does not know (any more). */
  private static void missing(ArrayNode failures, String arn) {
    ObjectNode f = failures.addObject();
    f.put("arn", arn);
    f.put("reason", "MISSING");
  }

  /** {@code tags} as ECS writes them: a list of key/value objects. */
  private static void tags(ObjectNode resource, Map<String, String> tags) {
    ArrayNode list = resource.putArray("tags");
    tags.forEach(
        (k, v) -> {
          ObjectNode tag = list.addObject();
          tag.put("key", k);
          tag.put("value", v);
        });
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
