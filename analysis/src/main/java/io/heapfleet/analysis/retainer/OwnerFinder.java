package io.heapfleet.analysis.retainer;

import io.heapfleet.analysis.histogram.ClassKind;
import io.heapfleet.analysis.internal.dominator.DominatorTree;
import io.heapfleet.analysis.internal.graph.HeapGraph;
import io.heapfleet.analysis.internal.graph.IntArray;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Attributes a suspect class's instances to owners. The owner of an instance is its nearest
 * dominator that is an application object — not a JDK class ({@code java.}, {@code javax.}, {@code
 * jdk.}, {@code sun.}, {@code com.sun.}), not an array, not the suspect class itself — where a
 * {@code Class} object stands for its static fields. Every path from a GC root to the instance
 * passes through its dominators, so the owner is what must let go. When only JDK objects dominate
 * the instance (a thread's {@code ThreadLocalMap}), the owner is the top of its dominator chain,
 * the object directly under the GC roots (the {@code Thread}).
 *
 * <p>Dominator chains are walked once per object: results are memoised per node. Not thread-safe.
 */
final class OwnerFinder {
  private static final int NONE = -1;

  private final HeapGraph graph;
  private final DominatorTree tree;
  private final IntArray memo;

  OwnerFinder(HeapGraph graph, DominatorTree tree) {
    this.graph = graph;
    this.tree = tree;
    this.memo = graph.allocator().ints(graph.objectCount());
  }

  /** One owner group while counting. */
  static final class Group {
    final int ownerClass;
    final boolean ownerIsClass;
    long owners;
    long instances;
    long suspectRetained;
    long ownerRetained;
    int biggest = -1;
    long biggestRetained = -1;

    Group(int ownerClass, boolean ownerIsClass) {
      this.ownerClass = ownerClass;
      this.ownerIsClass = ownerIsClass;
    }
  }

  /** The result for one suspect: groups biggest first, totals over all instances. */
  record Attribution(long instances, long retained, List<Group> groups) {}

  Attribution attribute(String suspectClassName) {
    BitSet suspect = new BitSet();
    for (int c : graph.classes().indicesOf(suspectClassName)) {
      suspect.set(c);
    }
    memo.fill(-1);
    Map<Long, Group> groups = new HashMap<>();
    BitSet countedOwners = new BitSet();
    long instances = 0;
    long retained = 0;
    int[] stack = new int[64];
    for (int v = 0, n = graph.objectCount(); v < n; v++) {
      if (graph.isClassObject(v) || !suspect.get(graph.classOf(v)) || !tree.isReachable(v)) {
        continue;
      }
      // Walk up to the first owner candidate (or a memoised node), remembering the way.
      int depth = 0;
      boolean nested = false;
      int owner = NONE;
      int top = NONE;
      int x = tree.immediateDominator(v);
      while (x >= 0) {
        int m = memo.get(x);
        if (m >= 0) {
          owner = (m >>> 1) - 1;
          nested |= (m & 1) != 0;
          break;
        }
        if (isCandidate(x, suspect)) {
          owner = x;
          break;
        }
        if (!graph.isClassObject(x) && suspect.get(graph.classOf(x))) {
          nested = true;
        }
        if (depth == stack.length) {
          stack = java.util.Arrays.copyOf(stack, depth * 2);
        }
        stack[depth++] = x;
        top = x;
        x = tree.immediateDominator(x);
      }
      if (owner == NONE && x < 0) {
        owner = top; // no application owner: the object right under the GC roots
      }
      // Memoise: everything walked has the same owner; 'nested' is conservative for them.
      for (int i = 0; i < depth; i++) {
        memo.set(stack[i], ((owner + 1) << 1) | (nested ? 1 : 0));
      }
      long r = tree.retainedSize(v);
      instances++;
      int ownerClass = owner == NONE ? -1 : graph.classOf(owner);
      boolean isClass = owner != NONE && graph.isClassObject(owner);
      long key = ((long) ownerClass << 1) | (isClass ? 1 : 0);
      Group g = groups.computeIfAbsent(key, k -> new Group(ownerClass, isClass));
      g.instances++;
      if (!nested) {
        g.suspectRetained += r;
        retained += r;
      }
      if (owner != NONE && !countedOwners.get(owner)) {
        countedOwners.set(owner);
        g.owners++;
        g.ownerRetained += tree.retainedSize(owner);
      }
      if (r > g.biggestRetained) {
        g.biggestRetained = r;
        g.biggest = v;
      }
    }
    List<Group> sorted = new ArrayList<>(groups.values());
    sorted.sort((a, b) -> Long.compare(b.suspectRetained, a.suspectRetained));
    return new Attribution(instances, retained, sorted);
  }

  private boolean isCandidate(int node, BitSet suspect) {
    int c = graph.classOf(node);
    if (graph.isClassObject(node)) {
      return isApplicationClass(graph.classes().name(c));
    }
    return !suspect.get(c)
        && !graph.classes().isArray(c)
        && isApplicationClass(graph.classes().name(c));
  }

  static boolean isApplicationClass(String name) {
    return ClassKind.isApplicationClass(name);
  }

  void close() {
    graph.allocator().release(memo);
  }
}
