package io.heapfleet.analysis.retainer.bench;

import io.heapfleet.analysis.dominator.ClassRetained;
import io.heapfleet.analysis.dominator.DominatorTree;
import io.heapfleet.analysis.dominator.RetainedSizes;
import io.heapfleet.analysis.graph.ArrayAllocator;
import io.heapfleet.analysis.graph.HeapGraph;
import io.heapfleet.analysis.graph.HprofGraphLoader;
import io.heapfleet.analysis.graph.LoadedDump;
import io.heapfleet.analysis.graph.MemoryEstimate;
import java.io.File;
import java.nio.file.Path;
import java.util.List;

/**
 * One measurement of the deep-analysis benchmark ({@code analysis/bench/deep-run.sh}), in its own
 * JVM so the script can read the peak RSS: {@code deep DUMP [BUDGET_MB]} (heapfleet: load the
 * graph, dominator tree, retained sizes per class) or {@code shark DUMP} (Shark 2.14: index the
 * dump, then its dominator tree with retained sizes via {@code ObjectDominators}). Prints one
 * {@code RESULT} line.
 */
public final class DeepBench {
  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Path dump = Path.of(args[1]);
    switch (mode) {
      case "deep" -> deep(dump, args.length > 2 ? Long.parseLong(args[2]) << 20 : Long.MAX_VALUE);
      case "shark" -> shark(dump);
      default -> throw new IllegalArgumentException("mode must be deep or shark: " + mode);
    }
  }

  /** CPU seconds of this thread: on a shared machine wall time mostly measures the neighbours. */
  private static double cpu() {
    return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1e9;
  }

  private static void deep(Path dump, long budget) throws Exception {
    double c0 = cpu();
    long t0 = System.nanoTime();
    try (ArrayAllocator alloc =
            new ArrayAllocator(budget, Path.of(System.getProperty("java.io.tmpdir")));
        LoadedDump loaded =
            HprofGraphLoader.load(dump, alloc, Runtime.getRuntime().maxMemory() * 9 / 10)) {
      HeapGraph g = loaded.graph();
      long t1 = System.nanoTime();
      double c1 = cpu();
      DominatorTree tree = DominatorTree.compute(g);
      long t2 = System.nanoTime();
      double c2 = cpu();
      List<ClassRetained> perClass = RetainedSizes.perClass(tree);
      long t3 = System.nanoTime();
      double c3 = cpu();
      System.out.printf(
          "RESULT deep objects %d refs %d reachable %d load_s %.1f dominators_s %.1f"
              + " per_class_s %.1f total_s %.1f graph_MB %d spilled_MB %d"
              + " bytes_per_object %.1f top %s %d"
              + " main_thread_cpu_s load %.1f dominators %.1f per_class %.1f%n",
          g.objectCount(),
          g.edgeCount(),
          tree.reachableObjects(),
          (t1 - t0) / 1e9,
          (t2 - t1) / 1e9,
          (t3 - t2) / 1e9,
          (t3 - t0) / 1e9,
          g.footprintBytes() >> 20,
          alloc.spilledBytes() >> 20,
          (double) g.footprintBytes() / g.objectCount(),
          perClass.get(0).className(),
          perClass.get(0).retainedBytes(),
          c1 - c0,
          c2 - c1,
          c3 - c2);
      System.out.printf(
          "estimate: peak heap %s, suggested -Xmx%s (with spill -Xmx%s)%n",
          MemoryEstimate.human(
              new MemoryEstimate(g.objectCount(), g.edgeCount()).peakHeapBytes()),
          new MemoryEstimate(g.objectCount(), g.edgeCount()).suggestedXmx(),
          new MemoryEstimate(g.objectCount(), g.edgeCount()).suggestedXmxWithSpill());
    }
  }

  private static void shark(Path dump) throws Exception {
    double c0 = cpu();
    long t0 = System.nanoTime();
    try (shark.CloseableHeapGraph graph =
        shark.HprofHeapGraph.Companion.openHeapGraph(
            new File(dump.toString()),
            null,
            shark.HprofIndex.Companion.defaultIndexedGcRootTags())) {
      long t1 = System.nanoTime();
      double c1 = cpu();
      // Builds Shark's full dominator tree with retained sizes, then renders only the nodes
      // retaining more than 50 MB (rendering is negligible next to the tree).
      String rendered =
          new shark.internal.ObjectDominators()
              .renderDominatorTree(graph, List.of(), 50_000_000, null, false);
      long t2 = System.nanoTime();
      double c2 = cpu();
      System.out.printf(
          "RESULT shark objects %d index_s %.1f dominators_s %.1f total_s %.1f"
              + " main_thread_cpu_s index %.1f dominators %.1f%n",
          graph.getObjectCount(),
          (t1 - t0) / 1e9,
          (t2 - t1) / 1e9,
          (t2 - t0) / 1e9,
          c1 - c0,
          c2 - c1);
      System.out.println(rendered.lines().limit(5).reduce("", (a, b) -> a + b + "\n"));
    }
  }

  private DeepBench() {}
}
