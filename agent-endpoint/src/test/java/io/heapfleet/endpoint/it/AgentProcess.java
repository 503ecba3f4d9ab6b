package io.heapfleet.endpoint.it;

import io.heapfleet.endpoint.HeapfleetHeaders;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child JVM running {@link BallastApp} with the real {@code heapfleet-agent.jar} on port 0; the
 * bound port is read from the agent's start-up log line. Destroyed by {@link #close()}.
 */
final class AgentProcess implements AutoCloseable {

  private static final Pattern LISTENING = HeapfleetHeaders.LISTENING_LINE;

  final Process process;
  private final List<String> stderr = new ArrayList<>();
  private final CountDownLatch ready = new CountDownLatch(1);
  private volatile int port;

  private AgentProcess(Process process) {
    this.process = process;
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
                    stderr.notifyAll();
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
            "agent-process-stderr");
    reader.setDaemon(true);
    reader.start();
  }

  static Path agentJar() {
    Path jar = Path.of(System.getProperty("heapfleet.agent.jar", "target/heapfleet-agent.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " is missing: run `mvn package` on agent-endpoint first");
    }
    return jar;
  }

  /** Starts {@code BallastApp args} with the agent and {@code env}; does not wait. */
  static AgentProcess start(Map<String, String> env, String agentArgs, String... args)
      throws IOException {
    return start(List.of("-Xmx64m"), env, agentArgs, BallastApp.class, args);
  }

  /** Starts {@code main args} in a JVM with {@code jvmOptions} and the agent; does not wait. */
  static AgentProcess start(
      List<String> jvmOptions,
      Map<String, String> env,
      String agentArgs,
      Class<?> main,
      String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add(
        "-javaagent:" + agentJar().toAbsolutePath() + (agentArgs == null ? "" : "=" + agentArgs));
    cmd.add("-cp");
    cmd.add(Path.of("target", "test-classes").toAbsolutePath().toString());
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
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
    return new AgentProcess(pb.start());
  }

  /** Waits for the agent's "listening" line. */
  AgentProcess awaitReady() throws InterruptedException {
    if (!ready.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the agent did not start; stderr:\n" + stderr());
    }
    return this;
  }

  /** Waits until the child has written a line equal to {@code line} on stderr. */
  void awaitLine(String line, long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      synchronized (stderr) {
        if (stderr.contains(line)) {
          return;
        }
        stderr.wait(100);
      }
    }
    throw new IllegalStateException(
        "no line '" + line + "' within " + seconds + " s:\n" + stderr());
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + port);
  }

  String stderr() {
    synchronized (stderr) {
      return String.join("\n", stderr);
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
