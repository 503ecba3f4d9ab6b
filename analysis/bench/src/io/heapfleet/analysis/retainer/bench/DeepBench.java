package io.heapfleet.analysis.retainer.bench;

import io.heapfleet.analysis.internal.dominator.ClassRetained;
import io.heapfleet.analysis.internal.dominator.DominatorTree;
import io.heapfleet.analysis.internal.dominator.RetainedSizes;
import io.heapfleet.analysis.internal.graph.ArrayAllocator;
import io.heapfleet.analysis.internal.graph.HeapGraph;
import io.heapfleet.analysis.internal.graph.HprofGraphLoader;
import io.heapfleet.analysis.internal.graph.LoadedDump;
import io.heapfleet.analysis.internal.graph.MemoryEstimate;
import io.heapfleet.analysis.report.Format;
import java.io.File;
import java.nio.file.Path;
import java.util.List;

/**
 * One measurement of the deep-analysis benchmark ({@code analysis/bench/deep-run.sh}), in its own
 * JVM so the script can read the peak RSS: {@code deep DUMP [BUDGET_MB]} (heapfleet: load the
 * graph, dominator tree, retained sizes per class) or {@code shark DUMP} (Shark 2.14: index the
 * dump, then its dominator tree with retained sizes via {@code ObjectDominators}). Prints one
 * {@code RESULT} line. On Linux a sampler thread reads {@code /proc/self/status} every 50 ms and
 * the line ends with the peak resident memory split into anonymous pages (heap, native: what
 * cannot be dropped) and file pages (spilled arrays mapped from temp files and resident in the page
 * cache, which the kernel writes back and drops under memory pressure).
 */
public final class DeepBench {
  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Path dump = Path.of(args[1]);
    Thread sampler = new Thread(DeepBench::sample, "rss-sampler");
    sampler.setDaemon(true);
    sampler.start();
    switch (mode) {
      case "deep" -> deep(dump, args.length > 2 ? Long.parseLong(args[2]) << 20 : Long.MAX_VALUE);
      case "shark" -> shark(dump);
      case "owners" -> owners(dump, Long.parseLong(args[2]) << 20, List.of(args).subList(3, args.length));
      default -> throw new IllegalArgumentException("mode must be deep, owners or shark: " + mode);
    }
  }

  private static volatile long peakAnonKb;
  private static volatile long peakFileKb;
  private static volatile long peakRssKb;

  /** Tracks the peak RssAnon, RssFile and VmRSS of this process (Linux only). */
  private static void sample() {
    Path status = Path.of("/proc/self/status");
    while (true) {
      try {
        for (String line : java.nio.file.Files.readAllLines(status)) {
          String[] f = line.split("\\s+");
          switch (f[0]) {
            case "RssAnon:" -> peakAnonKb = Math.max(peakAnonKb, Long.parseLong(f[1]));
            case "RssFile:" -> peakFileKb = Math.max(peakFileKb, Long.parseLong(f[1]));
            case "VmRSS:" -> peakRssKb = Math.max(peakRssKb, Long.parseLong(f[1]));
            default -> {}
          }
        }
        Thread.sleep(50);
      } catch (Exception e) {
        return; // not Linux: no split
      }
    }
  }

  private static String peaks() {
    return String.format(
        " peak_rss_MB %d peak_anon_MB %d peak_file_MB %d",
        peakRssKb >> 10, peakAnonKb >> 10, peakFileKb >> 10);
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
              + " main_thread_cpu_s load %.1f dominators %.1f per_class %.1f%s%n",
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
          c3 - c2,
          peaks());
      System.out.printf(
          "estimate: peak heap %s, suggested -Xmx%s (with spill -Xmx%s)%n",
          Format.bytes(
              new MemoryEstimate(g.objectCount(), g.edgeCount()).peakHeapBytes()),
          new MemoryEstimate(g.objectCount(), g.edgeCount()).suggestedXmx(),
          new MemoryEstimate(g.objectCount(), g.edgeCount()).suggestedXmxWithSpill());
    }
  }

  /**
   * What the collector runs: {@code DeepAnalysis.of} with its options (array budget, spill to
   * {@code java.io.tmpdir}), owners and labelled paths for {@code suspects}.
   */
  private static void owners(Path dump, long budget, List<String> suspects) throws Exception {
    double c0 = cpu();
    long t0 = System.nanoTime();
    io.heapfleet.analysis.retainer.DeepResult r =
        io.heapfleet.analysis.retainer.DeepAnalysis.of(
            dump,
            io.heapfleet.analysis.retainer.DeepOptions.defaults()
                .withArrayHeapBudget(budget)
                .withSpillDirectory(Path.of(System.getProperty("java.io.tmpdir"))),
            suspects);
    long t1 = System.nanoTime();
    var owner = r.suspectOwners().isEmpty() ? null : r.suspectOwners().get(0);
    System.out.printf(
        "RESULT owners objects %d refs %d total_s %.1f main_thread_cpu_s %.1f owner %s held_by %s%s%n",
        r.objects(),
        r.references(),
        (t1 - t0) / 1e9,
        cpu() - c0,
        owner == null ? "-" : owner.className(),
        owner == null ? "-" : owner.owner() + " path " + String.join(" → ", owner.path()),
        peaks());
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
              + " main_thread_cpu_s index %.1f dominators %.1f%s%n",
          graph.getObjectCount(),
          (t1 - t0) / 1e9,
          (t2 - t1) / 1e9,
          (t2 - t0) / 1e9,
          c1 - c0,
          c2 - c1,
          peaks());
      System.out.println(rendered.lines().limit(5).reduce("", (a, b) -> a + b + "\n"));
    }
  }

  private DeepBench() {}
}
