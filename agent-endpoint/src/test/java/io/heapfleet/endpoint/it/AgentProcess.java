package io.heapfleet.endpoint.it;

import io.heapfleet.testsupport.AgentTask;
import io.heapfleet.testsupport.ChildProcess;
import io.heapfleet.testsupport.JavaCommand;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A child JVM running {@link BallastApp} with the real {@code heapfleet-agent.jar} on port 0; the
 * bound port is read from the agent's start-up log line. Destroyed by {@link #close()}. Unlike
 * {@link AgentTask#start}, starting does not wait, so that tests can watch an agent refuse to
 * start.
 */
final class AgentProcess implements AutoCloseable {
  final Process process;
  private final ChildProcess child;
  private volatile int port;

  private AgentProcess(ChildProcess child) {
    this.child = child;
    this.process = child.process();
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
    return start(List.of(), env, agentArgs, BallastApp.class, args);
  }

  /** Starts {@code main args} in a JVM with {@code jvmOptions} and the agent; does not wait. */
  static AgentProcess start(
      List<String> jvmOptions,
      Map<String, String> env,
      String agentArgs,
      Class<?> main,
      String... args)
      throws IOException {
    JavaCommand cmd =
        JavaCommand.withHeap("64m")
            .options(jvmOptions)
            .options("-XX:TieredStopAtLevel=1")
            .javaAgent(agentJar(), agentArgs)
            .main(Path.of("target", "test-classes").toAbsolutePath().toString(), main.getName())
            .args(args);
    return new AgentProcess(cmd.process("agent-process").env(env).start());
  }

  /** Waits for the agent's "listening" line. */
  AgentProcess awaitReady() throws InterruptedException {
    port = Integer.parseInt(child.awaitLine(AgentTask.LISTENING, Duration.ofSeconds(30)).group(1));
    return this;
  }

  /** Waits until the child has written a line equal to {@code line}. */
  void awaitLine(String line, long seconds) throws InterruptedException {
    child.awaitLine(Pattern.compile("^" + Pattern.quote(line) + "$"), Duration.ofSeconds(seconds));
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + port);
  }

  String stderr() {
    return child.stderr();
  }

  @Override
  public void close() {
    child.close();
  }
}
