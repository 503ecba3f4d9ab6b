package io.heapfleet.collector.testing;

import io.heapfleet.auth.HourlyToken;
import io.heapfleet.auth.Secret;
import io.heapfleet.endpoint.client.DumpRequest;
import io.heapfleet.endpoint.client.DumpResponse;
import io.heapfleet.endpoint.client.HeapdumpClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
 * A child Node.js process running {@code examples/leaky-node/app.js} with the real Node agent
 * ({@code agent-node/register.js} as a preload) on 127.0.0.1 and an ephemeral port, read from the
 * agent's start-up line. It shares {@link TaskJvm#SECRET}. {@link #close()} destroys it.
 */
public final class TaskNode implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile("listening on [^:]+:(\\d+) as task (\\S+)");
  private static final Pattern VERSION = Pattern.compile("^v(\\d+)\\.");

  private final Process process;
  private final String taskId;
  private final List<String> stderr = new ArrayList<>();
  private final CountDownLatch ready = new CountDownLatch(1);
  private volatile int port;

  private TaskNode(Process process, String taskId) {
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
            "task-node-" + taskId);
    reader.setDaemon(true);
    reader.start();
  }

  /** Whether {@code node} 18 or later is on the PATH (tests that need it are skipped otherwise). */
  public static boolean nodeAvailable() {
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return false;
      }
      Matcher m = VERSION.matcher(v);
      return m.find() && Integer.parseInt(m.group(1)) >= 18;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Starts the example app as task {@code taskId}.
   *
   * @param env the app's settings ({@code LEAK_MODE}, {@code LEAK_RATE}, ...)
   */
  public static TaskNode start(String taskId, Map<String, String> env)
      throws IOException, InterruptedException {
    Path root = TaskJvm.projectRoot();
    Path register = root.resolve("agent-node/register.js");
    Path app = root.resolve("examples/leaky-node/app.js");
    ProcessBuilder pb =
        new ProcessBuilder("node", "--require", register.toString(), app.toString());
    pb.environment()
        .keySet()
        .removeIf(k -> k.startsWith("HEAPFLEET_") || k.startsWith("ECS_") || k.startsWith("NODE_"));
    Map<String, String> all = new LinkedHashMap<>();
    all.put("HEAPFLEET_SECRET", TaskJvm.SECRET);
    all.put("HEAPFLEET_TASK_ID", taskId);
    all.put("HEAPFLEET_PORT", "0");
    all.put("HEAPFLEET_BIND", "127.0.0.1");
    all.put("HEAPFLEET_MIN_INTERVAL", "0");
    all.putAll(env);
    pb.environment().putAll(all);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    TaskNode node = new TaskNode(pb.start(), taskId);
    if (!node.ready.await(60, TimeUnit.SECONDS)) {
      node.close();
      throw new IllegalStateException(
          "Node task " + taskId + " did not start; stderr:\n" + node.stderr());
    }
    return node;
  }

  public URI base() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public String taskId() {
    return taskId;
  }

  public String stderr() {
    synchronized (stderr) {
      return String.join("\n", stderr);
    }
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
          HourlyToken.compute(
              Secret.of(TaskJvm.SECRET, false), HourlyToken.DEFAULT_SCOPE, Instant.now());
      try (DumpResponse r = client.open(base(), token, DumpRequest.defaults())) {
        r.body().transferTo(OutputStream.nullOutputStream());
      }
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
