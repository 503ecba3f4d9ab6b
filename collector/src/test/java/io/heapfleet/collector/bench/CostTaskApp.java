package io.heapfleet.collector.bench;

import io.heapfleet.testsupport.SessionHeap;

/**
 * The task of the capture-cost benchmark: fills its heap to N MiB (the first argument) with
 * application-like objects ({@link SessionHeap}), then idles. Run with the agent.
 */
public final class CostTaskApp {
  static SessionHeap heap;

  public static void main(String[] args) throws Exception {
    heap = SessionHeap.fill(Long.parseLong(args[0]) << 20);
    System.err.println(
        "CostTaskApp: holding "
            + (SessionHeap.heapUsed() >> 20)
            + " MiB in "
            + heap.sessions()
            + " sessions");
    Thread.sleep(Long.MAX_VALUE);
  }
}
