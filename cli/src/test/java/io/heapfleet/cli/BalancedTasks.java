package io.heapfleet.cli;

import io.heapfleet.cli.demo.RoundRobinProxy;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Tasks under test, each reachable directly and all of them behind one {@link RoundRobinProxy}
 * (what a load balancer without stickiness does); closing it closes the proxy and every task. For a
 * test class's {@code @BeforeAll}: add the tasks, then {@link #balance()}. Not thread-safe.
 */
final class BalancedTasks implements AutoCloseable {
  private final List<AutoCloseable> tasks = new ArrayList<>();
  private final List<URI> backends = new ArrayList<>();
  private RoundRobinProxy proxy;

  /** Adds a running task that answers at {@code base}; closed with the others. */
  void add(AutoCloseable task, URI base) {
    tasks.add(task);
    backends.add(base);
  }

  /** Starts the proxy in front of the tasks added so far. */
  void balance() throws IOException {
    proxy = RoundRobinProxy.start(backends);
  }

  /** Task {@code i}'s own address, in the order added. */
  URI backend(int i) {
    return backends.get(i);
  }

  /** The proxy in front of all of them. */
  RoundRobinProxy proxy() {
    if (proxy == null) {
      throw new IllegalStateException("balance() was not called");
    }
    return proxy;
  }

  @Override
  public void close() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    for (AutoCloseable t : tasks) {
      t.close();
    }
  }
}
