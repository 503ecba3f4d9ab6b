package io.heapfleet.analysis.retainer;

import io.heapfleet.analysis.internal.graph.HeapGraph;
import io.heapfleet.analysis.internal.graph.IntArray;
import io.heapfleet.analysis.internal.graph.RootKind;
import java.util.ArrayList;
import java.util.List;

/**
 * Shortest paths from the GC roots to every object: one breadth-first search over the graph from
 * all roots at once, keeping each object's BFS parent (4 bytes per object). Roots are enqueued by
 * preference so that, among equally short paths, the one a person can act on wins: static fields
 * (class roots) first, then threads and JNI globals, stack locals last (they are transient).
 *
 * <p>Immutable once computed; thread-safe for reads.
 */
final class ShortestPaths {
  private static final int UNSEEN = -2;
  private static final int ROOT = -1;
  private final HeapGraph graph;
  private final IntArray parent;

  private ShortestPaths(HeapGraph graph, IntArray parent) {
    this.graph = graph;
    this.parent = parent;
  }

  public static ShortestPaths compute(HeapGraph graph) {
    int n = graph.objectCount();
    IntArray parent = graph.allocator().ints(n);
    parent.fill(UNSEEN);
    IntArray queue = graph.allocator().ints(Math.max(1, n));
    int tail = 0;
    for (int pass = 0; pass < 4; pass++) {
      for (int i = 0; i < graph.rootCount(); i++) {
        int r = graph.root(i);
        if (priority(graph.rootKind(r)) == pass && parent.get(r) == UNSEEN) {
          parent.set(r, ROOT);
          queue.set(tail++, r);
        }
      }
    }
    for (int head = 0; head < tail; head++) {
      int v = queue.get(head);
      for (int e = graph.edgeStart(v), end = graph.edgeEnd(v); e < end; e++) {
        int w = graph.edgeTarget(e);
        if (parent.get(w) == UNSEEN) {
          parent.set(w, v);
          queue.set(tail++, w);
        }
      }
    }
    graph.allocator().release(queue);
    return new ShortestPaths(graph, parent);
  }

  private static int priority(RootKind kind) {
    return switch (kind) {
      case CLASS, STICKY_CLASS -> 0;
      case THREAD_OBJECT, JNI_GLOBAL -> 1;
      case JAVA_FRAME, JNI_LOCAL, NATIVE_STACK -> 3;
      default -> 2;
    };
  }

  /** The nodes from a GC root to {@code node}, root first; empty if nothing reaches it. */
  public List<Integer> pathTo(int node) {
    List<Integer> reversed = new ArrayList<>();
    if (parent.get(node) == UNSEEN) {
      return reversed;
    }
    for (int v = node; v != ROOT; v = parent.get(v)) {
      reversed.add(v);
      if (reversed.size() > graph.objectCount()) {
        throw new IllegalStateException("cycle in BFS parents at node " + v);
      }
    }
    List<Integer> path = new ArrayList<>(reversed.size());
    for (int i = reversed.size() - 1; i >= 0; i--) {
      path.add(reversed.get(i));
    }
    return path;
  }
}
