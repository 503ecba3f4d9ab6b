package io.heapfleet.testsupport;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * A task under test: a child process (a JVM with the heapfleet Java agent, or Node.js with the Node
 * agent) whose agent has printed its {@code listening} line, so that its {@code /heapdump} endpoint
 * answers at {@link #base()}. Closing it kills the process. Thread-safe.
 */
public final class AgentTask implements AutoCloseable {
  /**
   * The agents' start-up line, the same for the Java and the Node agent: {@code /heapdump listening
   * on <bind>:<port> as task <task id>}.
   */
  public static final Pattern LISTENING =
      Pattern.compile("listening on [^:]+:(\\d+) as task (\\S+)");

  /** How long an agent may take to start on a loaded build machine. */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  /** The environment every test agent gets: a port the OS picks, loopback only, no cool-down. */
  public static Map<String, String> testAgentEnv(String secret, String taskId) {
    return Map.of(
        "HEAPFLEET_SECRET", secret,
        "HEAPFLEET_TASK_ID", taskId,
        "HEAPFLEET_PORT", "0",
        "HEAPFLEET_BIND", "127.0.0.1",
        "HEAPFLEET_MIN_INTERVAL", "0s");
  }

  private final ChildProcess child;
  private final int port;
  private final String taskId;

  private AgentTask(ChildProcess child, int port, String taskId) {
    this.child = child;
    this.port = port;
    this.taskId = taskId;
  }

  /**
   * Starts {@code child} and waits for its agent's listening line; kills the child and fails with
   * its output when the line does not come within {@link #START_TIMEOUT}.
   */
  public static AgentTask start(ChildProcess.Builder child)
      throws IOException, InterruptedException {
    ChildProcess started = child.start();
    try {
      MatchResult m = started.awaitLine(LISTENING, START_TIMEOUT);
      return new AgentTask(started, Integer.parseInt(m.group(1)), m.group(2));
    } catch (AssertionError | InterruptedException e) {
      started.close();
      throw e;
    }
  }

  /**
   * A JVM running {@code command} with the heapfleet Java agent ({@link ProjectPaths#agentJar()})
   * and {@code agentArgs} (may be null); not started.
   */
  public static ChildProcess.Builder javaAgentJvm(JavaCommand command, String agentArgs) {
    return command.javaAgent(ProjectPaths.agentJar(), agentArgs).process("task-jvm");
  }

  /**
   * Node.js running {@code script} (for example {@code -e <code>}) with the Node agent preloaded
   * ({@code --require agent-node/register.js}); not started. Skips the calling test when Node.js
   * 18+ is missing.
   */
  public static ChildProcess.Builder nodeAgentProcess(String... script) {
    java.util.List<String> cmd = new java.util.ArrayList<>();
    cmd.add(NodeRuntime.require().toString());
    cmd.add("--require");
    cmd.add(ProjectPaths.nodeAgentRegister().toString());
    cmd.addAll(java.util.List.of(script));
    return ChildProcess.command(cmd).name("node-task");
  }

  /** The endpoint's base address, {@code http://127.0.0.1:<port>}. */
  public URI base() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The port the agent bound. */
  public int port() {
    return port;
  }

  /** The task id the agent announced. */
  public String taskId() {
    return taskId;
  }

  /** The running process and its output. */
  public ChildProcess child() {
    return child;
  }

  @Override
  public void close() {
    child.close();
  }
}
