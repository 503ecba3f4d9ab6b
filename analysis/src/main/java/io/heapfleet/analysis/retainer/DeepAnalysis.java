package io.heapfleet.analysis.retainer;

import io.heapfleet.analysis.internal.dominator.ClassRetained;
import io.heapfleet.analysis.internal.dominator.Dominator;
import io.heapfleet.analysis.internal.dominator.DominatorTree;
import io.heapfleet.analysis.internal.dominator.RetainedSizes;
import io.heapfleet.analysis.internal.graph.ArrayAllocator;
import io.heapfleet.analysis.internal.graph.HeapGraph;
import io.heapfleet.analysis.internal.graph.HprofGraphLoader;
import io.heapfleet.analysis.internal.graph.LoadedDump;
import io.heapfleet.analysis.v8.HeapSnapshots;
import io.heapfleet.analysis.v8.V8DeepAnalysis;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The deep analysis of one heap dump: loads the compact object graph, computes the dominator tree
 * and retained sizes, and for each suspect class (typically the classes a trend flags) finds who
 * holds it — the owner class, what it retains, and the retainer path from a GC root.
 *
 * <pre>{@code
 * DeepResult r = DeepAnalysis.of(dump, DeepOptions.defaults(), List.of("byte[]"));
 * SuspectOwner o = r.owner("byte[]").orElseThrow();
 * // o.owner() = "com.acme.cart.Cart", o.path() = [static com.acme.cart.CartStore.CARTS, ...]
 * }</pre>
 *
 * <p>Memory: see {@code docs/deep-analysis.md}; a dump too big for the heap fails early with a
 * {@link io.heapfleet.analysis.retainer.GraphTooLargeException} naming the {@code -Xmx} needed.
 * Temp files of spilled arrays are deleted before this returns. Stateless; thread-safe (each call
 * uses its own memory).
 */
public final class DeepAnalysis {
  private DeepAnalysis() {}

  /** Dominators and retained sizes only, no suspects. */
  public static DeepResult of(Path dump, DeepOptions options) throws IOException {
    return of(dump, options, List.of());
  }

  /**
   * Analyses {@code dump} (plain, gzip or zstd HPROF; or a V8 heap snapshot, see {@link
   * V8DeepAnalysis}) and attributes each of {@code suspectClasses} (Java names, e.g. {@code
   * byte[]}, {@code com.acme.cart.Cart}) to its owners.
   */
  public static DeepResult of(Path dump, DeepOptions options, Collection<String> suspectClasses)
      throws IOException {
    if (HeapSnapshots.isHeapSnapshot(dump)) {
      return V8DeepAnalysis.of(dump, options, suspectClasses);
    }
    // Every big array, the load's stream buffers included, spills on its own when the budget or
    // the real free heap runs out (see ArrayAllocator); the limit is a last line of defence.
    long heapLimit = Runtime.getRuntime().maxMemory() / 100 * 85 - (32L << 20);
    try (ArrayAllocator allocator =
        new ArrayAllocator(options.arrayHeapBudgetBytes(), options.spillDirectory())) {
      long t0 = System.nanoTime();
      LoadedDump loaded = HprofGraphLoader.load(dump, allocator, heapLimit);
      HeapGraph graph = loaded.graph();
      long t1 = System.nanoTime();
      DominatorTree tree = DominatorTree.compute(graph);
      List<ClassRetained> perClass = RetainedSizes.perClass(tree);
      List<Dominator> top = RetainedSizes.top(tree, options.topDominators());
      long t2 = System.nanoTime();
      List<SuspectReport> suspects =
          suspects(graph, tree, loaded, options, dump, new LinkedHashSet<>(suspectClasses));
      long t3 = System.nanoTime();
      return new DeepResult(
          loaded.timestamp(),
          loaded.sizeModel().label(),
          graph.objectCount(),
          graph.edgeCount(),
          tree.reachableObjects(),
          tree.reachableBytes(),
          graph.footprintBytes(),
          new DeepResult.Timings(millis(t1 - t0), millis(t2 - t1), millis(t3 - t2)),
          perClass.subList(0, Math.min(options.topClasses(), perClass.size())),
          top,
          suspects);
    }
  }

  private static long millis(long nanos) {
    return nanos / 1_000_000;
  }

  private static List<SuspectReport> suspects(
      HeapGraph graph,
      DominatorTree tree,
      LoadedDump loaded,
      DeepOptions options,
      Path dump,
      Set<String> suspectClasses)
      throws IOException {
    if (suspectClasses.isEmpty()) {
      return List.of();
    }
    ShortestPaths paths = ShortestPaths.compute(graph);
    OwnerFinder finder = new OwnerFinder(graph, tree);
    List<String> names = new ArrayList<>(suspectClasses);
    List<OwnerFinder.Attribution> attributions = new ArrayList<>();
    List<List<Integer>> allPaths = new ArrayList<>();
    Set<Integer> owners = new HashSet<>();
    for (String name : names) {
      OwnerFinder.Attribution a = finder.attribute(name);
      attributions.add(a);
      for (OwnerFinder.Group g : limit(a.groups(), options.ownersPerSuspect())) {
        allPaths.add(paths.pathTo(g.biggest));
      }
    }
    finder.close();
    PathRenderer renderer =
        new PathRenderer(graph, loaded.schema(), options.labels() ? dump : null);
    renderer.prepare(allPaths, owners);
    List<SuspectReport> reports = new ArrayList<>();
    int p = 0;
    for (int i = 0; i < names.size(); i++) {
      OwnerFinder.Attribution a = attributions.get(i);
      List<OwnerReport> ownerReports = new ArrayList<>();
      for (OwnerFinder.Group g : limit(a.groups(), options.ownersPerSuspect())) {
        String owner = g.ownerClass < 0 ? null : graph.classes().name(g.ownerClass);
        ownerReports.add(
            new OwnerReport(
                owner,
                g.ownerIsClass,
                g.owners,
                g.instances,
                g.suspectRetained,
                g.ownerRetained,
                renderer.render(allPaths.get(p++))));
      }
      reports.add(new SuspectReport(names.get(i), a.instances(), a.retained(), ownerReports));
    }
    return reports;
  }

  private static <T> List<T> limit(List<T> list, int n) {
    return list.subList(0, Math.min(n, list.size()));
  }
}
