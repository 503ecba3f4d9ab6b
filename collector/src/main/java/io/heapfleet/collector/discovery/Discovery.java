package io.heapfleet.collector.discovery;

import java.util.List;

/**
 * Finds the live tasks to capture. Implementations are called from one scheduler thread at a time
 * but must not assume which one.
 */
public interface Discovery {

  /**
   * The tasks alive now. A task missing from the result has gone (its series ends).
   *
   * @throws DiscoveryException when the task list cannot be determined (the previous list is kept)
   */
  List<Target> discover();

  /** A short description for health checks and logs, e.g. {@code ecs cluster=prod services=[a]}. */
  String describe();
}
