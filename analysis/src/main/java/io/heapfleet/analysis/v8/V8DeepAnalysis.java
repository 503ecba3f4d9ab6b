package io.heapfleet.analysis.v8;

import io.heapfleet.analysis.histogram.SizeModel;
import io.heapfleet.analysis.internal.dominator.ClassRetained;
import io.heapfleet.analysis.internal.dominator.Dominator;
import io.heapfleet.analysis.internal.dominator.DominatorTree;
import io.heapfleet.analysis.internal.dominator.RetainedSizes;
import io.heapfleet.analysis.internal.graph.ArrayAllocator;
import io.heapfleet.analysis.internal.graph.GraphBuilder;
import io.heapfleet.analysis.internal.graph.HeapGraph;
import io.heapfleet.analysis.internal.graph.RootKind;
import io.heapfleet.analysis.retainer.DeepOptions;
import io.heapfleet.analysis.retainer.DeepResult;
import io.heapfleet.analysis.retainer.SuspectReport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The deep analysis of a V8 heap snapshot, in the same {@link DeepResult} as a JVM dump's: the
 * project's dominator tree (Semi-NCA over compact arrays) on the snapshot's graph, rooted at V8's
 * synthetic root (node 0), with weak edges left out and shortcut edges kept only from the root, as
 * Chrome DevTools does; retained sizes per DevTools Summary group; and for each suspect group its
 * owners ({@link V8Owners}), named by constructor and the property or variable that holds them.
 * Stateless; thread-safe (each call uses its own memory).
 */
public final class V8DeepAnalysis {
  private V8DeepAnalysis() {}

  /** Analyses {@code snapshot} (plain or gzip) and attributes each suspect group to its owners. */
  public static DeepResult of(Path snapshot, DeepOptions options, Collection<String> suspects)
      throws IOException {
    long t0 = System.nanoTime();
    Instant taken = HeapSnapshots.timestampOf(snapshot);
    V8Graph g;
    try (InputStream in = HeapSnapshots.open(snapshot)) {
      g = V8Graph.read(in, SnapshotLimits.DEFAULT);
    }
    try (ArrayAllocator alloc =
        new ArrayAllocator(options.arrayHeapBudgetBytes(), options.spillDirectory())) {
      HeapGraph graph = dominatorGraph(g, alloc);
      long t1 = System.nanoTime();
      DominatorTree tree = DominatorTree.compute(graph);
      List<ClassRetained> perClass = RetainedSizes.perClass(tree);
      List<Dominator> top = RetainedSizes.top(tree, options.topDominators());
      long t2 = System.nanoTime();
      List<SuspectReport> reports = new ArrayList<>();
      if (!suspects.isEmpty()) {
        V8Owners owners = new V8Owners(g, tree);
        for (String name : new LinkedHashSet<>(suspects)) {
          reports.add(owners.report(name, options.ownersPerSuspect()));
        }
      }
      long t3 = System.nanoTime();
      return new DeepResult(
          taken,
          SizeModel.V8.label(),
          g.nodeCount(),
          graph.edgeCount(),
          tree.reachableObjects(),
          tree.reachableBytes(),
          graph.footprintBytes(),
          new DeepResult.Timings(ms(t1 - t0), ms(t2 - t1), ms(t3 - t2)),
          perClass.subList(0, Math.min(options.topClasses(), perClass.size())),
          top,
          reports);
    }
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000;
  }

  /** True for the edges the dominator tree and retainer paths follow (DevTools' rule). */
  static boolean essential(V8Graph g, int from, int edge, int weak, int shortcut) {
    int t = g.edgeTypeIndex(edge);
    return t != weak && (t != shortcut || from == 0);
  }

  /**
   * The snapshot as a {@link HeapGraph}: node {@code i} gets id {@code i + 1} (so graph node index
   * = snapshot node ordinal), its Summary group as class, {@code self_size} as shallow size, and
   * its essential edges as references; the roots are what node 0 (V8's synthetic root) points at.
   */
  static HeapGraph dominatorGraph(V8Graph g, ArrayAllocator alloc) {
    GraphBuilder b = new GraphBuilder(8, alloc);
    Map<String, Integer> classes = new HashMap<>();
    int weak = g.meta().edgeType("weak");
    int shortcut = g.meta().edgeType("shortcut");
    for (int n = 0; n < g.nodeCount(); n++) {
      String name = g.className(n);
      Integer c = classes.get(name);
      if (c == null) {
        c = b.addClass(0, name, 0);
        classes.put(name, c);
      }
      b.addObject(n + 1L, c, g.selfSize(n));
      for (int e = g.firstEdge(n), end = g.edgeEnd(n); e < end; e++) {
        if (essential(g, n, e, weak, shortcut)) {
          b.addReference(g.edgeTarget(e) + 1L);
        }
      }
    }
    // The super-root of the dominator tree stands for V8's root (node 0): its first level is what
    // node 0 points at ((GC roots), the global objects), which makes the top dominators useful.
    if (g.nodeCount() > 0) {
      for (int e = g.firstEdge(0), end = g.edgeEnd(0); e < end; e++) {
        if (essential(g, 0, e, weak, shortcut)) {
          b.addRoot(g.edgeTarget(e) + 1L, RootKind.UNKNOWN);
        }
      }
    }
    return b.build();
  }
}
