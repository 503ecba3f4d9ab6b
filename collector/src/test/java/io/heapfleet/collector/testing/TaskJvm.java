package io.heapfleet.collector.testing;

import io.heapfleet.auth.HourlyToken;
import io.heapfleet.auth.Secret;
import io.heapfleet.endpoint.HeapfleetHeaders;
import io.heapfleet.endpoint.client.DumpRequest;
import io.heapfleet.endpoint.client.DumpResponse;
import io.heapfleet.endpoint.client.HeapdumpClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child JVM with the real {@code heapfleet-agent.jar} listening on 127.0.0.1 and an ephemeral
 * port (read from the agent's start-up line). Runs either {@link TargetApp} from the test classes
 * or the {@code examples/leaky-app} jar. {@link #close()} destroys it.
 */
public final class TaskJvm implements AutoCloseable {
  /** The secret every test agent and the collector under test share (never a real one). */
  public static final String SECRET = "collector-test-secret-0123456789abcdef0123456789abcdef";

  private static final Pattern LISTENING = HeapfleetHeaders.LISTENING_LINE;

  private final Process process;
  private final String taskId;
  private final List<String> stderr = new ArrayList<>();
  private final CountDownLatch ready = new CountDownLatch(1);
  private volatile int port;
  private volatile boolean closing;

  private TaskJvm(Process process, String taskId) {
    this.process = process;
    this.taskId = taskId;
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  synchronized (stderr) {
                    stderr.add(line);
                  }
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                    ready.countDown();
                  }
                }
              } catch (IOException e) {
                // process ended
              }
            },
            "task-jvm-" + taskId);
    reader.setDaemon(true);
    reader.start();
    process
        .onExit()
        .thenAccept(
            p -> {
              if (!closing) {
                System.err.println(
                    "task JVM "
                        + taskId
                        + " exited unexpectedly ("
                        + p.exitValue()
                        + "):\n"
                        + stderr());
              }
            });
  }

  /** The project root (the directory with the parent pom), from the collector module's dir. */
  public static Path projectRoot() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("agent-endpoint"))
          && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException("cannot find the project root above " + here);
  }

  /** The agent jar, or a clear failure naming the command that builds it. */
  public static Path agentJar() {
    Path jar = projectRoot().resolve("agent-endpoint/target/heapfleet-agent.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar
              + " is missing: build it with `mvn -B -q install -pl agent-endpoint -am -DskipTests`");
    }
    return jar;
  }

  /** The leaky example app jar, or a clear failure naming the command that builds it. */
  public static Path leakyAppJar() {
    Path jar = projectRoot().resolve("examples/leaky-app/target/leaky-app.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar
              + " is missing: build it with `mvn -B -q install -pl examples/leaky-app -am -DskipTests`");
    }
    return jar;
  }

  /** A builder for one task JVM. */
  public static Builder task(String taskId) {
    return new Builder(taskId);
  }

  /** Settings of one task JVM. */
  public static final class Builder {
    private final String taskId;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> jvmArgs = new ArrayList<>(List.of("-Xmx64m"));
    private List<String> main = null;

    Builder(String taskId) {
      this.taskId = taskId;
      env.put("HEAPFLEET_SECRET", SECRET);
      env.put("HEAPFLEET_TASK_ID", taskId);
      env.put("HEAPFLEET_PORT", "0");
      env.put("HEAPFLEET_BIND", "127.0.0.1");
      env.put("HEAPFLEET_MIN_INTERVAL", "0s");
    }

    public Builder env(String name, String value) {
      env.put(name, value);
      return this;
    }

    public Builder heap(String xmx) {
      jvmArgs.set(0, "-Xmx" + xmx);
      return this;
    }

    /** Runs {@link TargetApp} holding {@code mb} MiB of ballast and {@code orders} orders. */
    public Builder targetApp(int mb, int orders) {
      return targetApp(mb, orders, 0);
    }

    /** Runs {@link TargetApp} that also leaks {@code sessionsPerSecond} sessions per second. */
    public Builder targetApp(int mb, int orders, int sessionsPerSecond) {
      main =
          List.of(
              "-cp",
              Path.of("target", "test-classes").toAbsolutePath().toString(),
              TargetApp.class.getName(),
              Integer.toString(mb),
              Integer.toString(orders),
              Integer.toString(sessionsPerSecond));
      return this;
    }

    /** Runs the examples/leaky-app jar (configure it with {@link #env}). */
    public Builder leakyApp() {
      main = List.of("-jar", leakyAppJar().toString());
      return this;
    }

    public TaskJvm start() throws IOException, InterruptedException {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(jvmArgs);
      cmd.add("-XX:TieredStopAtLevel=1");
      cmd.add("-XX:+UseSerialGC");
      cmd.add("-javaagent:" + agentJar());
      cmd.addAll(main == null ? List.of() : main);
      ProcessBuilder pb = new ProcessBuilder(cmd);
      pb.environment()
          .keySet()
          .removeIf(
              k ->
                  k.startsWith("HEAPFLEET_")
                      || k.startsWith("ECS_")
                      || k.equals("JAVA_TOOL_OPTIONS"));
      pb.environment().putAll(env);
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
      TaskJvm jvm = new TaskJvm(pb.start(), taskId);
      if (!jvm.ready.await(60, TimeUnit.SECONDS)) {
        jvm.close();
        throw new IllegalStateException(
            "task " + taskId + " did not start; stderr:\n" + jvm.stderr());
      }
      return jvm;
    }
  }

  public URI base() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public String taskId() {
    return taskId;
  }

  public Process process() {
    return process;
  }

  /** For failure messages: pid, alive or exit code, and the JVM's stderr. */
  public String describe() {
    return taskId
        + " pid "
        + process.pid()
        + (process.isAlive() ? " alive" : " exited " + process.exitValue())
        + "\n"
        + stderr();
  }

  public String stderr() {
    synchronized (stderr) {
      return String.join("\n", stderr);
    }
  }

  /**
   * Takes {@code dumps} heap dumps through the real endpoint and throws them away. A JVM a second
   * old still loads classes and spins method handles while it serves its first dumps (tens of KB of
   * {@code byte[]}/{@code String} more per dump over the first few), which over a few fast rounds
   * looks exactly like a small steady leak. A production task is hours old when captured; tests
   * that judge a trend from a fresh JVM warm it up first.
   */
  public void warmUp(int dumps) throws IOException {
    HeapdumpClient client = HeapdumpClient.create();
    for (int i = 0; i < dumps; i++) {
      String token =
          HourlyToken.compute(Secret.of(SECRET, false), HourlyToken.DEFAULT_SCOPE, Instant.now());
      try (DumpResponse r = client.open(base(), token, DumpRequest.defaults())) {
        r.body().transferTo(OutputStream.nullOutputStream());
      }
    }
  }

  /** Kills the JVM at once (like an OOM-killed container). */
  public void kill() {
    closing = true;
    process.destroyForcibly();
  }

  @Override
  public void close() {
    closing = true;
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
