package io.heapfleet.collector.testing;

import io.heapfleet.auth.HourlyToken;
import io.heapfleet.auth.Secret;
import io.heapfleet.endpoint.client.DumpRequest;
import io.heapfleet.endpoint.client.DumpResponse;
import io.heapfleet.endpoint.client.HeapdumpClient;
import io.heapfleet.testsupport.AgentTask;
import io.heapfleet.testsupport.ChildProcess;
import io.heapfleet.testsupport.JavaCommand;
import io.heapfleet.testsupport.ProjectPaths;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A child JVM with the real {@code heapfleet-agent.jar} listening on 127.0.0.1 and an ephemeral
 * port (read from the agent's start-up line). Runs either {@link TargetApp} from the test classes
 * or the {@code examples/leaky-app} jar. {@link #close()} destroys it. The collector's settings on
 * top of the shared {@link AgentTask}.
 */
public final class TaskJvm implements AutoCloseable {
  /** The secret every test agent and the collector under test share (never a real one). */
  public static final String SECRET = "collector-test-secret-0123456789abcdef0123456789abcdef";

  private final AgentTask task;
  private final String taskId;

  private TaskJvm(AgentTask task, String taskId) {
    this.task = task;
    this.taskId = taskId;
    ChildProcess child = task.child();
    child
        .process()
        .onExit()
        .thenAccept(
            p -> {
              if (!child.closing()) {
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
    return ProjectPaths.root();
  }

  /** The agent jar, or a clear failure naming the command that builds it. */
  public static Path agentJar() {
    return ProjectPaths.agentJar();
  }

  /** The leaky example app jar, or a clear failure naming the command that builds it. */
  public static Path leakyAppJar() {
    return ProjectPaths.leakyAppJar();
  }

  /** A builder for one task JVM. */
  public static Builder task(String taskId) {
    return new Builder(taskId);
  }

  /** Settings of one task JVM. */
  public static final class Builder {
    private final String taskId;
    private final Map<String, String> env = new LinkedHashMap<>();
    private String heap = "64m";
    private List<String> mainArgs = null;
    private final List<String> jvmOptions = new ArrayList<>();
    private boolean leakyApp;

    Builder(String taskId) {
      this.taskId = taskId;
      env.putAll(AgentTask.testAgentEnv(SECRET, taskId));
    }

    public Builder env(String name, String value) {
      env.put(name, value);
      return this;
    }

    public Builder heap(String xmx) {
      heap = xmx;
      return this;
    }

    /** More options of the task's JVM (system properties, GC flags). */
    public Builder jvmOption(String option) {
      jvmOptions.add(option);
      return this;
    }

    /** Runs {@link TargetApp} holding {@code mb} MiB of ballast and {@code orders} orders. */
    public Builder targetApp(int mb, int orders) {
      return targetApp(mb, orders, 0);
    }

    /** Runs {@link TargetApp} that also leaks {@code sessionsPerSecond} sessions per second. */
    public Builder targetApp(int mb, int orders, int sessionsPerSecond) {
      leakyApp = false;
      mainArgs =
          List.of(
              Integer.toString(mb), Integer.toString(orders), Integer.toString(sessionsPerSecond));
      return this;
    }

    /** Runs the examples/leaky-app jar (configure it with {@link #env}). */
    public Builder leakyApp() {
      leakyApp = true;
      mainArgs = null;
      return this;
    }

    public TaskJvm start() throws IOException, InterruptedException {
      JavaCommand cmd = JavaCommand.withHeap(heap).small().options(jvmOptions);
      if (leakyApp) {
        cmd.jar(leakyAppJar());
      } else {
        cmd.main(
                Path.of("target", "test-classes").toAbsolutePath().toString(),
                TargetApp.class.getName())
            .args(mainArgs == null ? new ArrayList<>() : mainArgs);
      }
      return new TaskJvm(
          AgentTask.start(AgentTask.javaAgentJvm(cmd, null).name("task-jvm-" + taskId).env(env)),
          taskId);
    }
  }

  public URI base() {
    return task.base();
  }

  public String taskId() {
    return taskId;
  }

  public Process process() {
    return task.child().process();
  }

  /** For failure messages: pid, alive or exit code, and the JVM's output. */
  public String describe() {
    return task.child().describe();
  }

  public String stderr() {
    return task.child().stderr();
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
    task.child().kill();
  }

  @Override
  public void close() {
    task.close();
  }
}
