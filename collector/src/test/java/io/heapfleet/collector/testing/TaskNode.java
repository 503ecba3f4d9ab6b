package io.heapfleet.collector.testing;

import io.heapfleet.auth.HourlyToken;
import io.heapfleet.auth.Secret;
import io.heapfleet.endpoint.client.DumpRequest;
import io.heapfleet.endpoint.client.DumpResponse;
import io.heapfleet.endpoint.client.HeapdumpClient;
import io.heapfleet.testsupport.AgentTask;
import io.heapfleet.testsupport.ChildProcess;
import io.heapfleet.testsupport.ProjectPaths;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.time.Instant;
import java.util.Map;

/**
 * A child Node.js process with the real Node agent ({@code agent-node/register.js} as a preload) on
 * 127.0.0.1 and an ephemeral port, read from the agent's start-up line: either {@code
 * examples/leaky-node/app.js} or a short script. The collector tests' settings on top of the shared
 * {@link AgentTask}; the calling test is skipped when Node.js 18+ is missing. {@link #close()}
 * kills it. Thread-safe.
 */
public final class TaskNode implements AutoCloseable {
  private final AgentTask task;
  private final String secret;

  private TaskNode(AgentTask task, String secret) {
    this.task = task;
    this.secret = secret;
  }

  /**
   * Starts the example app as task {@code taskId} with {@link TaskJvm#SECRET}.
   *
   * @param env the app's settings ({@code LEAK_MODE}, {@code LEAK_RATE}, ...)
   */
  public static TaskNode start(String taskId, Map<String, String> env)
      throws IOException, InterruptedException {
    String app = ProjectPaths.root().resolve("examples/leaky-node/app.js").toString();
    return start(AgentTask.nodeAgentProcess(app), taskId, TaskJvm.SECRET, env);
  }

  /**
   * Starts {@code script} (JavaScript run with {@code -e}) as task {@code taskId} with {@code
   * secret}, and with {@code --expose-gc}, so that the script can run major collections (what
   * old-gen-after-GC is sampled at).
   */
  public static TaskNode script(String taskId, String secret, String script)
      throws IOException, InterruptedException {
    return start(AgentTask.nodeAgentProcess("--expose-gc", "-e", script), taskId, secret, Map.of());
  }

  private static TaskNode start(
      ChildProcess.Builder node, String taskId, String secret, Map<String, String> env)
      throws IOException, InterruptedException {
    return new TaskNode(
        AgentTask.start(
            node.name("task-node-" + taskId).env(AgentTask.testAgentEnv(secret, taskId)).env(env)),
        secret);
  }

  public URI base() {
    return task.base();
  }

  public String taskId() {
    return task.taskId();
  }

  /** Its stderr so far (the agent's log). */
  public String stderr() {
    return task.child().stderr();
  }

  /**
   * Takes {@code snapshots} heap snapshots through the real endpoint and throws them away. V8
   * compiles lazily: a process seconds old compiles its (and the agent's) code paths as they first
   * run and again after it flushed their bytecode, and each snapshot runs the agent's, so over the
   * first dozen snapshots {@code (compiled code)} grows by tens of KB per snapshot (measured: +34
   * KB per snapshot from the 8th to the 12th, +17 KB after). A production task is hours old when
   * captured; tests that judge a fresh process's trend warm it up first.
   */
  public void warmUp(int snapshots) throws IOException {
    HeapdumpClient client = HeapdumpClient.create();
    for (int i = 0; i < snapshots; i++) {
      String token =
          HourlyToken.compute(Secret.of(secret, false), HourlyToken.DEFAULT_SCOPE, Instant.now());
      try (DumpResponse r = client.open(base(), token, DumpRequest.defaults())) {
        r.body().transferTo(OutputStream.nullOutputStream());
      }
    }
  }

  @Override
  public void close() {
    task.close();
  }
}
