package io.heapfleet.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.storage.EmbeddedS3;
import io.heapfleet.testsupport.ChildProcess;
import io.heapfleet.testsupport.JavaCommand;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The template and the collector agree: the environment and secrets of the synthesized collector
 * task definition start the real collector jar ({@code collector/target/quarkus-app}) and it
 * becomes ready, pointed at the in-process S3 and local ECS and Secrets Manager stand-ins. ECS's
 * part is played by this test: CloudFormation references are resolved to the stand-ins' bucket and
 * secret, ECS secrets are injected as environment values, the temp volume is a local directory. The
 * only additions are endpoint overrides, credentials, region and the HTTP port.
 *
 * <p>Quarkus ignores an environment variable it does not know, so the same settings are also passed
 * as system properties under the collector's own names: SmallRye Config refuses an unknown property
 * under a mapped prefix at startup, so a renamed setting fails this test instead of being dropped.
 */
class CollectorDriftTest {
  static final String BUCKET = "heapfleet-drift";
  static final String HMAC_ARN =
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:heapfleet-hmac-AbCdEf";
  static final String API_TOKEN_ARN =
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:heapfleet-api-AbCdEf";

  static HeapfleetSettings settings;
  static Map<String, Object> template;
  static EmbeddedS3 s3;
  static AwsJsonStandIn ecs;
  static AwsJsonStandIn secretsManager;
  static final String hmacSecret = random();
  static final String apiToken = random();

  @TempDir static Path dir;

  @BeforeAll
  static void synthesizeAndStartStandIns() throws IOException {
    settings = Synth.settings().build();
    template = Synth.template(Synth.stack(settings)).toJSON();
    s3 = EmbeddedS3.inMemory(BUCKET);
    ecs =
        new AwsJsonStandIn(
            (op, body) ->
                switch (op) {
                  case "ListTasks" -> "{\"taskArns\":[]}";
                  case "DescribeTasks" -> "{\"tasks\":[],\"failures\":[]}";
                  default -> new AwsJsonStandIn.Error("InvalidParameterException", "no " + op);
                });
    secretsManager =
        new AwsJsonStandIn(
            (op, body) ->
                op.equals("GetSecretValue") && body.contains(HMAC_ARN)
                    ? "{\"ARN\":\""
                        + HMAC_ARN
                        + "\",\"Name\":\"heapfleet-hmac\",\"VersionId\":\"v1\",\"SecretString\":\""
                        + hmacSecret
                        + "\",\"CreatedDate\":1.7638E9}"
                    : new AwsJsonStandIn.Error(
                        "ResourceNotFoundException",
                        "Secrets Manager can't find the specified secret."));
  }

  @AfterAll
  static void stop() {
    if (s3 != null) {
      s3.close();
    }
    if (ecs != null) {
      ecs.close();
    }
    if (secretsManager != null) {
      secretsManager.close();
    }
  }

  @Test
  void templateEnvironmentIsExactlyTheCollectorPropertiesOfTheStack() {
    Map<String, String> env = CollectorTask.of(template).environment(this::resolve, dir);
    TreeSet<String> templateNames = new TreeSet<>();
    env.keySet().stream().filter(n -> n.startsWith("HEAPFLEET_")).forEach(templateNames::add);
    TreeSet<String> propertyNames = new TreeSet<>();
    CollectorConfig.properties(settings, BUCKET, HMAC_ARN, null)
        .keySet()
        .forEach(p -> propertyNames.add(CollectorConfig.env(p)));
    propertyNames.add(CollectorConfig.API_TOKEN_ENV);
    assertThat(templateNames).isEqualTo(propertyNames);
  }

  @Test
  void collectorStartedWithTheTemplatesEnvironmentBecomesReady() throws Exception {
    Map<String, String> env = CollectorTask.of(template).environment(this::resolve, dir);
    assertThat(env)
        .containsEntry("HEAPFLEET_COLLECTOR_S3_BUCKET", BUCKET)
        .containsEntry("HEAPFLEET_COLLECTOR_TOKEN_SECRETS_MANAGER_ID", HMAC_ARN)
        .containsEntry(CollectorConfig.API_TOKEN_ENV, apiToken);
    int port = freePort();
    try (CollectorProcess collector = start(env, port, Map.of())) {
      int status = collector.awaitReady(Duration.ofSeconds(90));
      assertThat(status)
          .as("GET /q/health/ready; collector output:%n%s", collector.output())
          .isEqualTo(200);
      // The API token the template injects opens the API.
      HttpResponse<String> fleet =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/fleet"))
                      .header("Authorization", "Bearer " + apiToken)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(fleet.statusCode()).isEqualTo(200);
      // The Prometheus rules shipped in infra/alerts name metrics this collector exports (the
      // per-task gauges exist only while a task is live, and there is none here).
      String metrics =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:" + collector.managementPort() + "/q/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      String rules =
          Files.readString(Synth.projectRoot().resolve("infra/alerts/heapfleet-rules.yml"));
      java.util.regex.Matcher names =
          java.util.regex.Pattern.compile("heapfleet_[a-z_]+").matcher(rules);
      int checked = 0;
      while (names.find()) {
        String name = names.group();
        if (!name.startsWith("heapfleet_task_")) {
          assertThat(metrics).as("metric %s of the alert rules", name).contains(name);
          checked++;
        }
      }
      assertThat(checked).isGreaterThan(3);
      // The alarms' metrics: EMF lines on stdout in the namespace the alarms watch.
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!collector.output().contains("\"CloudWatchMetrics\"")
          && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertThat(collector.output())
          .contains("\"Namespace\":\"" + CollectorAlarms.NAMESPACE + "\"")
          .contains("\"CapturesStored\":")
          .doesNotContain(apiToken)
          .doesNotContain(hmacSecret);
    }
    assertThat(ecs.calls)
        .anyMatch(
            c ->
                c.operation().equals("ListTasks")
                    && c.body().contains("\"prod\"")
                    && c.body().contains("\"checkout\""));
    // The HMAC secret is read from Secrets Manager at the first capture, not at startup; with no
    // task to capture the stand-in is not asked, and the secret id is checked above.
  }

  @Test
  void aPropertyTheCollectorDoesNotKnowStopsItFromStarting() throws Exception {
    // The guard the system properties give: a renamed setting is refused, not ignored.
    Map<String, String> env = CollectorTask.of(template).environment(this::resolve, dir);
    try (CollectorProcess collector =
        start(env, freePort(), Map.of("heapfleet.collector.schedule.intervall", "30m"))) {
      assertThat(collector.awaitExit(Duration.ofSeconds(90)))
          .as("collector output:%n%s", collector.output())
          .isNotZero();
      assertThat(collector.output()).contains("heapfleet.collector.schedule.intervall");
    }
  }

  /** What CloudFormation and ECS turn a template value into, for this test's stand-ins. */
  @SuppressWarnings("unchecked")
  String resolve(Object value) {
    if (value instanceof String s) {
      return s;
    }
    if (value instanceof Map<?, ?> m && m.containsKey("Ref")) {
      String id = (String) m.get("Ref");
      Map<String, Object> resource =
          (Map<String, Object>) ((Map<String, Object>) template.get("Resources")).get(id);
      String type = (String) resource.get("Type");
      Map<String, Object> props = (Map<String, Object>) resource.get("Properties");
      if (type.equals("AWS::S3::Bucket")) {
        return BUCKET;
      }
      if (type.equals("AWS::SecretsManager::Secret")) {
        // The Ref of a secret is its ARN; ECS injects a secret's value.
        return String.valueOf(props.get("Description")).contains("HEAPFLEET_SECRET")
            ? HMAC_ARN
            : API_TOKEN_ARN;
      }
    }
    throw new AssertionError("the drift test cannot resolve " + value);
  }

  /** ECS injects the value of a secret named in {@code secrets}. */
  String secretValue(String arn) {
    if (arn.equals(API_TOKEN_ARN)) {
      return apiToken;
    }
    if (arn.equals(HMAC_ARN)) {
      return hmacSecret;
    }
    throw new AssertionError("no secret " + arn);
  }

  CollectorProcess start(Map<String, String> taskEnv, int port, Map<String, String> extra)
      throws IOException {
    Map<String, String> env = new LinkedHashMap<>(taskEnv);
    // Test-only: where the stand-ins listen, their credentials, region and the port.
    env.put("HEAPFLEET_COLLECTOR_S3_ENDPOINT_OVERRIDE", s3.endpoint().toString());
    env.put("HEAPFLEET_COLLECTOR_S3_PATH_STYLE", "true");
    env.put("HEAPFLEET_COLLECTOR_DISCOVERY_ECS_ENDPOINT_OVERRIDE", ecs.endpoint().toString());
    env.put(
        "HEAPFLEET_COLLECTOR_TOKEN_SECRETS_MANAGER_ENDPOINT_OVERRIDE",
        secretsManager.endpoint().toString());
    env.put("AWS_ACCESS_KEY_ID", s3.accessKey());
    env.put("AWS_SECRET_ACCESS_KEY", s3.secretKey());
    env.put("AWS_REGION", s3.region());
    env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
    env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
    int managementPort = freePort();
    env.put("QUARKUS_MANAGEMENT_HOST", "127.0.0.1");
    env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort));
    env.put("HEAPFLEET_COLLECTOR_METRICS_EMF_INTERVAL", "1s"); // the task writes one a minute

    // The container's JAVA_OPTS (its -Xmx among them) come first, as in the image.
    JavaCommand command =
        JavaCommand.withDefaultHeap().options(env.remove("JAVA_OPTS").split(" +"));
    Map<String, String> properties = CollectorConfig.properties(settings, "-", "-", null);
    for (String property : properties.keySet()) {
      command.options("-D" + property + "=" + env.get(CollectorConfig.env(property)));
    }
    extra.forEach((k, v) -> command.options("-D" + k + "=" + v));
    command.jar(collectorJar());
    return CollectorProcess.start(
        command, env, managementPort, dir.resolve("collector-" + port + ".log"));
  }

  static Path collectorJar() {
    Path jar = Synth.projectRoot().resolve("collector/target/quarkus-app/quarkus-run.jar");
    assertThat(jar)
        .as("the collector jar, built by the reactor before infra (mvn -pl infra -am verify)")
        .isRegularFile();
    return jar;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static String random() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** The collector container of a synthesized template, read the way ECS reads it. */
  record CollectorTask(Map<String, Object> container) {
    @SuppressWarnings("unchecked")
    static CollectorTask of(Map<String, Object> template) {
      Map<String, Object> resources = (Map<String, Object>) template.get("Resources");
      for (Object r : resources.values()) {
        Map<String, Object> res = (Map<String, Object>) r;
        if ("AWS::ECS::TaskDefinition".equals(res.get("Type"))) {
          Map<String, Object> props = (Map<String, Object>) res.get("Properties");
          for (Object c : (List<Object>) props.get("ContainerDefinitions")) {
            Map<String, Object> container = (Map<String, Object>) c;
            if (CollectorService.CONTAINER.equals(container.get("Name"))) {
              return new CollectorTask(container);
            }
          }
        }
      }
      throw new AssertionError("no collector container in the template");
    }

    /**
     * Environment plus injected secrets; each mount point's container path replaced by a local
     * directory (what the volume provides in the task).
     */
    @SuppressWarnings("unchecked")
    Map<String, String> environment(
        java.util.function.Function<Object, String> resolve, Path volumes) {
      Map<String, String> mounts = new LinkedHashMap<>();
      for (Object m : (List<Object>) container.getOrDefault("MountPoints", List.of())) {
        String path = (String) ((Map<String, Object>) m).get("ContainerPath");
        Path local = volumes.resolve("volume-" + ((Map<String, Object>) m).get("SourceVolume"));
        try {
          Files.createDirectories(local);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        mounts.put(path, local.toString());
      }
      Map<String, String> env = new LinkedHashMap<>();
      for (Object e : (List<Object>) container.get("Environment")) {
        Map<String, Object> kv = (Map<String, Object>) e;
        String value = resolve.apply(kv.get("Value"));
        for (Map.Entry<String, String> m : mounts.entrySet()) {
          value = value.replace(m.getKey(), m.getValue());
        }
        env.put((String) kv.get("Name"), value);
      }
      CollectorDriftTest self = new CollectorDriftTest();
      for (Object s : (List<Object>) container.getOrDefault("Secrets", List.of())) {
        Map<String, Object> kv = (Map<String, Object>) s;
        env.put((String) kv.get("Name"), self.secretValue(resolve.apply(kv.get("ValueFrom"))));
      }
      return env;
    }
  }

  /** The collector JVM, its output also in a file; killed on close. */
  static final class CollectorProcess implements AutoCloseable {
    private final ChildProcess child;
    private final Process process;
    private final int port;

    private CollectorProcess(ChildProcess child, int managementPort) {
      this.child = child;
      this.process = child.process();
      this.port = managementPort;
    }

    /** Where health, metrics and OpenAPI answer (never the API port). */
    int managementPort() {
      return port;
    }

    /** Starts {@code command} with {@code env} and nothing else of this JVM's environment. */
    static CollectorProcess start(JavaCommand command, Map<String, String> env, int port, Path log)
        throws IOException {
      return new CollectorProcess(
          command.process("collector").onlyGivenEnvironment().env(env).logTo(log).start(), port);
    }

    /** The readiness status once it is 200, or the last status when the time is up or it exits. */
    int awaitReady(Duration max) throws InterruptedException {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      long deadline = System.nanoTime() + max.toNanos();
      int last = -1;
      while (System.nanoTime() < deadline && process.isAlive()) {
        try {
          last =
              http.send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:" + port + CollectorConfig.READY_PATH))
                          .timeout(Duration.ofSeconds(5))
                          .build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode();
          if (last == 200) {
            return last;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        Thread.sleep(250);
      }
      return last;
    }

    /** The exit code; fails with the output when it runs on past {@code max}. */
    int awaitExit(Duration max) throws InterruptedException {
      return child.awaitExit(max);
    }

    String output() {
      return child.output();
    }

    @Override
    public void close() {
      child.close();
    }
  }
}
