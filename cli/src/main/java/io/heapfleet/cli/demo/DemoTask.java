package io.heapfleet.cli.demo;

/**
 * One example task of the demo fleet: a real JVM running {@code examples/leaky-app} with the
 * heapfleet agent, in one of the app's modes. Immutable.
 *
 * @param taskId the task id the agent reports ({@code HEAPFLEET_TASK_ID})
 * @param leakMode the app's {@code LEAK_MODE}: {@code leak}, {@code plateau} or {@code quiet}
 * @param description what the task does, for the demo's legend
 * @param port the agent's port on 127.0.0.1
 */
public record DemoTask(String taskId, String leakMode, String description, int port) {}
