package io.heapfleet.cli.demo;

import io.heapfleet.auth.HourlyToken;
import io.heapfleet.auth.Secret;
import io.heapfleet.auth.SecretSource;
import io.heapfleet.endpoint.client.DumpRequest;
import io.heapfleet.endpoint.client.DumpResponse;
import io.heapfleet.endpoint.client.HeapdumpClient;
import io.heapfleet.storage.EmbeddedS3;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fleet in miniature on 127.0.0.1: three example task JVMs with the heapfleet agent (one leaks,
 * one fills a cache then stays flat, one is quiet), with {@link Settings#node()} a Node.js task
 * that leaks through a memoize ({@link NodeTask}), a round-robin load balancer in front of them, an
 * embedded S3 store under the run directory, and the collector as a child process discovering the
 * tasks through the load balancer (with {@code collectors} above one: a local SQS and that many
 * collectors sharing the fleet through it, see {@link CollectorReplicas}). {@link #close()} stops
 * all of it (idempotent; safe from a shutdown hook). Not thread-safe apart from {@link #close()}.
 */
public final class DemoFleet implements AutoCloseable {
  /** The service name the demo's tasks belong to. */
  public static final String SERVICE = "orders";

  /** The cluster name the demo's tasks belong to. */
  public static final String CLUSTER = "demo";

  /** The key prefix the demo's collector stores under (the collector's default). */
  public static final String S3_PREFIX = "heapdumps";

  /**
   * How the demo is paced and where it keeps its files.
   *
   * @param node whether to add a Node.js task (needs {@code node} 18+ on the PATH)
   * @param collectors collector processes; above one they share the fleet through a local SQS queue
   *     ({@link CollectorReplicas})
   */
  public record Settings(
      Path runDir, Duration interval, boolean verbose, boolean node, int collectors) {
    /** A JVM-only fleet with one collector. */
    public Settings(Path runDir, Duration interval, boolean verbose) {
      this(runDir, interval, verbose, false, 1);
    }

    /** One collector; {@code node}: whether to add the Node.js task. */
    public Settings(Path runDir, Duration interval, boolean verbose, boolean node) {
      this(runDir, interval, verbose, node, 1);
    }

    /** A JVM-only fleet with {@code collectors} collectors. */
    public Settings(Path runDir, Duration interval, boolean verbose, int collectors) {
      this(runDir, interval, verbose, false, collectors);
    }
  }

  /** How long a task JVM may take to open its endpoint (a loaded 2-core machine is slow). */
  private static final Duration ENDPOINT_START_TIMEOUT = Duration.ofSeconds(60);

  private final ProjectLayout layout;
  private final Settings settings;
  private final PrintWriter err;
  private final ChildProcesses children = new ChildProcesses();
  private final List<DemoTask> tasks = new ArrayList<>();
  private EmbeddedS3 s3;
  private RoundRobinProxy proxy;
  private URI collectorUri;

  /** The collector's management interface (health, metrics, OpenAPI). */
  private URI managementUri;

  private String apiToken;
  private CollectorReplicas replicas;
  private volatile boolean closed;

  public DemoFleet(ProjectLayout layout, Settings settings, PrintWriter err) {
    this.layout = layout;
    this.settings = settings;
    this.err = err;
  }

  /** Starts everything; on failure stops what was started and rethrows. */
  public void start() throws IOException {
    try {
      Path run = Files.createDirectories(settings.runDir());
      Path secretFile = writeSecret(run.resolve("secret"));
      apiToken = randomHex(24);

      s3 = EmbeddedS3.filesystem(run.resolve("s3"), EmbeddedS3.DEFAULT_BUCKET);
      detail("embedded S3 at " + s3.endpoint() + ", objects under " + run.resolve("s3"));

      tasks.add(
          new DemoTask(SERVICE + "-1", "leak", "leaks a little each interval", FreePorts.pick()));
      tasks.add(
          new DemoTask(
              SERVICE + "-2", "plateau", "fills a cache, then stays flat", FreePorts.pick()));
      tasks.add(
          new DemoTask(
              SERVICE + "-3", "quiet", "allocates and frees, holds nothing", FreePorts.pick()));
      if (settings.node()) {
        tasks.add(
            new DemoTask(
                SERVICE + "-node-1",
                "memoize",
                "Node.js: memoizes quotes with unique keys",
                FreePorts.pick(),
                "node"));
      }
      List<URI> backends = new ArrayList<>();
      List<ChildProcesses.Child> taskChildren = new ArrayList<>();
      for (DemoTask t : tasks) {
        taskChildren.add(startTask(t, secretFile, run.resolve("logs")));
        backends.add(URI.create("http://127.0.0.1:" + t.port()));
      }
      // The collector's first discovery should find every task: wait for their endpoints.
      for (int i = 0; i < tasks.size(); i++) {
        awaitListening(tasks.get(i), taskChildren.get(i));
      }
      // A fleet's tasks are hours old when the collector first captures them; these are seconds
      // old, and a JVM that young still loads classes while it serves its first dumps, which
      // over a few fast rounds reads like a small leak. One dump each, thrown away, settles it.
      warmUp(secretFile);
      proxy = RoundRobinProxy.start(backends);
      detail("load balancer at " + proxy.uri() + " over " + backends);

      if (settings.collectors() > 1) {
        replicas =
            CollectorReplicas.start(
                settings.collectors(),
                settings.interval(),
                children,
                layout,
                run.resolve("logs"),
                apiToken,
                (name, port, managementPort, queueProps) ->
                    startCollector(
                        name, port, managementPort, secretFile, run.resolve("logs"), queueProps));
        detail("local SQS at " + replicas.sqsEndpoint() + ", capture queue " + replicas.queueUrl());
        collectorUri = replicas.first().api().base();
        managementUri = replicas.first().api().management();
        return;
      }
      int port = FreePorts.pick();
      collectorUri = URI.create("http://127.0.0.1:" + port);
      int managementPort = FreePorts.pick();
      managementUri = URI.create("http://127.0.0.1:" + managementPort);
      startCollector("collector", port, managementPort, secretFile, run.resolve("logs"), Map.of());
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private void warmUp(Path secretFile) throws IOException {
    Secret secret = SecretSource.fromFile(secretFile, false);
    HeapdumpClient client = HeapdumpClient.create();
    for (DemoTask t : tasks) {
      String token = HourlyToken.compute(secret, HourlyToken.DEFAULT_SCOPE, Instant.now());
      URI base = URI.create("http://127.0.0.1:" + t.port());
      try (DumpResponse r = client.open(base, token, DumpRequest.defaults())) {
        r.body().transferTo(OutputStream.nullOutputStream());
      }
    }
    detail("tasks warmed up: one dump each, discarded");
  }

  private void awaitListening(DemoTask t, ChildProcesses.Child c) throws IOException {
    long deadline = System.nanoTime() + ENDPOINT_START_TIMEOUT.toNanos();
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), t.port()), 500);
        return;
      } catch (IOException notYet) {
        if (!c.process().isAlive() || System.nanoTime() > deadline) {
          throw new IOException(
              "the /heapdump endpoint of task "
                  + t.taskId()
                  + " is not listening on 127.0.0.1:"
                  + t.port()
                  + (c.process().isAlive() ? "" : " (the JVM exited)")
                  + "; see "
                  + c.log());
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while waiting for task " + t.taskId(), e);
        }
      }
    }
  }

  private ChildProcesses.Child startTask(DemoTask t, Path secretFile, Path logs)
      throws IOException {
    List<String> cmd =
        t.node()
            ? NodeTask.command(layout)
            : List.of(
                ProjectLayout.javaExecutable(),
                "-Xmx192m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-javaagent:" + layout.agentJar(),
                "-jar",
                layout.leakyAppJar().toString());
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HEAPFLEET_SECRET_FILE", secretFile.toString());
    env.put("HEAPFLEET_TASK_ID", t.taskId());
    env.put("HEAPFLEET_PORT", Integer.toString(t.port()));
    env.put("HEAPFLEET_BIND", "127.0.0.1");
    // The demo captures every few seconds; the agent's default minimum interval is longer.
    env.put("HEAPFLEET_MIN_INTERVAL", "1s");
    env.put("LEAK_MODE", t.leakMode());
    env.putAll(
        t.node()
            ? NodeTask.env(settings.interval())
            : LeakyAppPace.env(t.leakMode(), settings.interval()));
    ChildProcesses.Child c =
        children.start(t.taskId(), cmd, env, logs.resolve(t.taskId() + ".log"));
    detail(
        "task "
            + t.taskId()
            + " (LEAK_MODE="
            + t.leakMode()
            + ") pid "
            + c.pid()
            + " port "
            + t.port());
    return c;
  }

  private ChildProcesses.Child startCollector(
      String name,
      int port,
      int managementPort,
      Path secretFile,
      Path logs,
      Map<String, String> extraProps)
      throws IOException {
    Duration interval = settings.interval();
    List<String> cmd = new ArrayList<>();
    cmd.add(ProjectLayout.javaExecutable());
    cmd.add("-Xmx256m");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    Map<String, String> props = new LinkedHashMap<>();
    props.put("quarkus.http.host", "127.0.0.1");
    props.put("quarkus.http.port", Integer.toString(port));
    props.put("quarkus.management.host", "127.0.0.1");
    props.put("quarkus.management.port", Integer.toString(managementPort));
    props.put("quarkus.log.file.enabled", "false");
    props.put("heapfleet.collector.discovery.mode", "lb");
    props.put("heapfleet.collector.discovery.lb.url", proxy.uri().toString());
    props.put("heapfleet.collector.discovery.lb.service", SERVICE);
    props.put("heapfleet.collector.discovery.lb.cluster", CLUSTER);
    props.put("heapfleet.collector.discovery.refresh", seconds(Duration.ofSeconds(5)));
    props.put("heapfleet.collector.s3.bucket", s3.bucket());
    props.put("heapfleet.collector.s3.prefix", S3_PREFIX);
    props.put("heapfleet.collector.s3.endpoint-override", s3.endpoint().toString());
    props.put("heapfleet.collector.s3.region", s3.region());
    props.put("heapfleet.collector.s3.path-style", "true");
    props.put("heapfleet.collector.token.secret-file", secretFile.toString());
    // The demo shows rounds at a fixed interval; adaptive capture has its own benchmark.
    props.put("heapfleet.collector.capture.policy", "fixed");
    props.put("heapfleet.collector.schedule.interval", seconds(interval));
    props.put("heapfleet.collector.schedule.jitter", "0s");
    props.put("heapfleet.collector.schedule.tick", "1s");
    props.put("heapfleet.collector.schedule.backoff-initial", "2s");
    props.put("heapfleet.collector.schedule.backoff-max", seconds(interval));
    props.put("heapfleet.collector.capture.first-byte-timeout", "60s");
    // The dashboard is open in the demo: the collector listens on 127.0.0.1 only.
    props.put("heapfleet.collector.dashboard.open", "true");
    props.putAll(extraProps);
    props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    cmd.add("-jar");
    cmd.add(layout.collectorJar().toString());
    // Credentials by environment, never on the command line (visible in ps).
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HEAPFLEET_COLLECTOR_API_TOKEN", apiToken);
    env.put("AWS_ACCESS_KEY_ID", s3.accessKey());
    env.put("AWS_SECRET_ACCESS_KEY", s3.secretKey());
    env.put("AWS_REGION", s3.region());
    ChildProcesses.Child c = children.start(name, cmd, env, logs.resolve(name + ".log"));
    detail(
        name
            + " pid "
            + c.pid()
            + " at http://127.0.0.1:"
            + port
            + " (health and metrics: management port "
            + managementPort
            + "), log "
            + c.log());
    return c;
  }

  /** The collectors sharing the fleet through the queue; empty with one collector. */
  public java.util.Optional<CollectorReplicas> replicas() {
    return java.util.Optional.ofNullable(replicas);
  }

  /** The collector's base URL. */
  public URI collectorUri() {
    return collectorUri;
  }

  /** The dashboard's URL. */
  public URI dashboardUri() {
    return collectorUri.resolve("/dashboard");
  }

  /** A client for the collector's API, with this run's token. */
  public CollectorApi api() {
    return new CollectorApi(collectorUri, managementUri, apiToken);
  }

  public List<DemoTask> tasks() {
    return List.copyOf(tasks);
  }

  public EmbeddedS3 s3() {
    return s3;
  }

  public ChildProcesses children() {
    return children;
  }

  public ProjectLayout layout() {
    return layout;
  }

  /** A child that has exited although it should run, or {@code null}. */
  public ChildProcesses.Child firstDead() {
    for (ChildProcesses.Child c : children.children()) {
      if (!c.process().isAlive()) {
        return c;
      }
    }
    return null;
  }

  /** Stops the collector, the tasks, the load balancer and the embedded S3; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    children.close();
    if (proxy != null) {
      proxy.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  private void detail(String line) {
    if (settings.verbose()) {
      err.println("demo: " + line);
      err.flush();
    }
  }

  private static Path writeSecret(Path file) throws IOException {
    Files.deleteIfExists(file);
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    }
    Files.writeString(file, randomHex(32) + "\n", StandardCharsets.US_ASCII);
    return file;
  }

  private static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** ISO-8601 ({@code PT10S}), which every Quarkus duration property accepts. */
  private static String seconds(Duration d) {
    return d.toString();
  }
}
