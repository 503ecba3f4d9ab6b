package io.heapfleet.analysis.internal.dominator;

import io.heapfleet.analysis.internal.graph.ArrayAllocator;
import io.heapfleet.analysis.internal.graph.HeapGraph;
import io.heapfleet.analysis.internal.graph.IntArray;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Aggregates over a {@link DominatorTree}: retained bytes per class and the biggest top-level
 * dominators. Stateless; thread-safe.
 */
public final class RetainedSizes {
  private RetainedSizes() {}

  /**
   * Per class: reachable instances, shallow and retained bytes, biggest retained first. A class's
   * retained bytes are those of the set of its instances: instances nested under another instance
   * of the same class (linked-list nodes) are not counted twice. Walks the dominator tree once,
   * iteratively, counting for each class how many of its instances are on the current path.
   */
  public static List<ClassRetained> perClass(DominatorTree tree) {
    HeapGraph g = tree.graph();
    int classes = g.classes().size();
    long[] instances = new long[classes];
    long[] shallow = new long[classes];
    long[] retained = new long[classes];
    int[] onPath = new int[classes];
    int size = tree.size();

    // Children of each dominator-tree node in CSR form (DFS-number space).
    ArrayAllocator alloc = g.allocator();
    IntArray childStart = alloc.ints(size + 1L);
    for (int w = 1; w < size; w++) {
      childStart.add(tree.idomOf(w), 1);
    }
    int sum = 0;
    for (int d = 0; d <= size; d++) {
      int c = d < size ? childStart.get(d) : 0;
      childStart.set(d, sum);
      sum += c;
    }
    IntArray children = alloc.ints(Math.max(1, size - 1));
    IntArray cursor = alloc.ints(size);
    for (int d = 0; d < size; d++) {
      cursor.set(d, childStart.get(d));
    }
    for (int w = 1; w < size; w++) {
      int p = tree.idomOf(w);
      children.set(cursor.add(p, 1) - 1, w);
    }
    for (int d = 0; d < size; d++) {
      cursor.set(d, childStart.get(d));
    }

    IntStack stack = new IntStack();
    stack.push(0);
    while (!stack.isEmpty()) {
      int d = stack.peek();
      int c = cursor.get(d);
      if (c == childStart.get(d)) {
        enter(tree, g, d, onPath, instances, shallow, retained);
      }
      if (c < childStart.get(d + 1L)) {
        cursor.set(d, c + 1);
        stack.push(children.get(c));
      } else {
        stack.pop();
        if (d > 0 && !g.isClassObject(tree.vertexOf(d))) {
          onPath[g.classOf(tree.vertexOf(d))]--;
        }
      }
    }
    alloc.release(childStart);
    alloc.release(children);
    alloc.release(cursor);

    List<ClassRetained> result = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      if (instances[c] > 0) {
        result.add(new ClassRetained(g.classes().name(c), instances[c], shallow[c], retained[c]));
      }
    }
    result.sort(
        Comparator.comparingLong(ClassRetained::retainedBytes)
            .reversed()
            .thenComparing(ClassRetained::className));
    return result;
  }

  private static void enter(
      DominatorTree tree,
      HeapGraph g,
      int d,
      int[] onPath,
      long[] instances,
      long[] shallow,
      long[] retained) {
    if (d == 0) {
      return;
    }
    int node = tree.vertexOf(d);
    int c = g.classOf(node);
    if (g.isClassObject(node)) {
      return; // a Class object is not an instance of the class it describes
    }
    instances[c]++;
    shallow[c] += g.shallowSize(node);
    if (onPath[c] == 0) {
      retained[c] += tree.retainedOf(d);
    }
    onPath[c]++;
  }

  /** The {@code limit} biggest objects directly under the super-root, biggest first. */
  public static List<Dominator> top(DominatorTree tree, int limit) {
    HeapGraph g = tree.graph();
    PriorityQueue<long[]> best = new PriorityQueue<>(Comparator.comparingLong(a -> a[1]));
    for (int d = 1; d < tree.size(); d++) {
      if (tree.idomOf(d) != 0) {
        continue;
      }
      long r = tree.retainedOf(d);
      if (best.size() < limit) {
        best.add(new long[] {d, r});
      } else if (limit > 0 && best.peek()[1] < r) {
        best.poll();
        best.add(new long[] {d, r});
      }
    }
    List<Dominator> result = new ArrayList<>();
    for (long[] e : best) {
      int node = tree.vertexOf((int) e[0]);
      result.add(new Dominator(g.id(node), describeType(g, node), g.shallowSize(node), e[1]));
    }
    result.sort(Comparator.comparingLong(Dominator::retainedBytes).reversed());
    return result;
  }

  /** {@code com.acme.Cart}, or {@code class com.acme.CartStore} for a Class object. */
  public static String describeType(HeapGraph g, int node) {
    String name = g.classes().name(g.classOf(node));
    return g.isClassObject(node) ? "class " + name : name;
  }
}
