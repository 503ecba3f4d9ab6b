package io.heapfleet.cli.demo;

/**
 * One example task of the demo fleet: a real JVM running {@code examples/leaky-app} with the
 * heapfleet agent, or a real Node.js process running {@code examples/leaky-node/app.js} with the
 * Node agent's preload, in one of the app's modes. Immutable.
 *
 * @param taskId the task id the agent reports ({@code HEAPFLEET_TASK_ID})
 * @param leakMode the app's {@code LEAK_MODE}: {@code leak}, {@code plateau} or {@code quiet}
 *     (JVM); {@code memoize} or {@code quiet} (Node.js)
 * @param description what the task does, for the demo's legend
 * @param port the agent's port on 127.0.0.1
 * @param runtime {@code jvm} or {@code node}
 */
public record DemoTask(
    String taskId, String leakMode, String description, int port, String runtime) {

  /** A JVM task. */
  public DemoTask(String taskId, String leakMode, String description, int port) {
    this(taskId, leakMode, description, port, "jvm");
  }

  /** Whether this is a Node.js task. */
  public boolean node() {
    return "node".equals(runtime);
  }
}
