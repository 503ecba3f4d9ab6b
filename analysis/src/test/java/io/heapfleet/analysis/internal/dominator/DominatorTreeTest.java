package io.heapfleet.analysis.internal.dominator;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.internal.graph.ArrayAllocator;
import io.heapfleet.analysis.internal.graph.GraphBuilder;
import io.heapfleet.analysis.internal.graph.HeapGraph;
import io.heapfleet.analysis.internal.graph.RootKind;
import io.heapfleet.analysis.internal.graph.TestGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DominatorTreeTest {

  @Test
  void chainRetainsEverythingBelow() {
    TestGraph t =
        new TestGraph().object("A", 10, "B").object("B", 20, "C").object("C", 30).root("A");
    HeapGraph g = t.build();
    DominatorTree d = DominatorTree.compute(g);
    assertThat(d.retainedSize(t.node(g, "A"))).isEqualTo(60);
    assertThat(d.retainedSize(t.node(g, "B"))).isEqualTo(50);
    assertThat(d.retainedSize(t.node(g, "C"))).isEqualTo(30);
    assertThat(d.immediateDominator(t.node(g, "C"))).isEqualTo(t.node(g, "B"));
    assertThat(d.immediateDominator(t.node(g, "A"))).isEqualTo(DominatorTree.SUPER_ROOT);
  }

  @Test
  void diamondJoinIsDominatedByTheFork() {
    // A forks to B and C which both reach D: D belongs to A, not to B or C.
    TestGraph t =
        new TestGraph()
            .object("A", 1, "B", "C")
            .object("B", 2, "D")
            .object("C", 4, "D")
            .object("D", 8)
            .root("A");
    HeapGraph g = t.build();
    DominatorTree d = DominatorTree.compute(g);
    assertThat(d.immediateDominator(t.node(g, "D"))).isEqualTo(t.node(g, "A"));
    assertThat(d.retainedSize(t.node(g, "B"))).isEqualTo(2);
    assertThat(d.retainedSize(t.node(g, "C"))).isEqualTo(4);
    assertThat(d.retainedSize(t.node(g, "A"))).isEqualTo(15);
  }

  @Test
  void cycleIsRetainedByItsEntry() {
    TestGraph t =
        new TestGraph()
            .object("A", 1, "B")
            .object("B", 2, "C")
            .object("C", 4, "A", "D")
            .object("D", 8)
            .root("A");
    HeapGraph g = t.build();
    DominatorTree d = DominatorTree.compute(g);
    assertThat(d.retainedSize(t.node(g, "A"))).isEqualTo(15);
    assertThat(d.retainedSize(t.node(g, "B"))).isEqualTo(14);
    assertThat(d.retainedSize(t.node(g, "C"))).isEqualTo(12);
  }

  @Test
  void unreachableObjectsRetainNothingAndDoNotStealReachableOnes() {
    // X is garbage pointing at A; A is still only the root's.
    TestGraph t =
        new TestGraph()
            .object("R", 1, "A")
            .object("A", 10)
            .object("X", 100, "A", "Y")
            .object("Y", 1000)
            .root("R");
    HeapGraph g = t.build();
    DominatorTree d = DominatorTree.compute(g);
    assertThat(d.isReachable(t.node(g, "X"))).isFalse();
    assertThat(d.retainedSize(t.node(g, "X"))).isZero();
    assertThat(d.immediateDominator(t.node(g, "Y"))).isEqualTo(DominatorTree.UNREACHABLE);
    assertThat(d.retainedSize(t.node(g, "R"))).isEqualTo(11);
    assertThat(d.reachableObjects()).isEqualTo(2);
    assertThat(d.reachableBytes()).isEqualTo(11);
  }

  @Test
  void objectSharedByTwoRootsBelongsToNeither() {
    TestGraph t =
        new TestGraph()
            .object("R1", 1, "S")
            .object("R2", 2, "S")
            .object("S", 40, "T")
            .object("T", 50)
            .root("R1", "R2");
    HeapGraph g = t.build();
    DominatorTree d = DominatorTree.compute(g);
    assertThat(d.immediateDominator(t.node(g, "S"))).isEqualTo(DominatorTree.SUPER_ROOT);
    assertThat(d.retainedSize(t.node(g, "R1"))).isEqualTo(1);
    assertThat(d.retainedSize(t.node(g, "R2"))).isEqualTo(2);
    assertThat(d.retainedSize(t.node(g, "S"))).isEqualTo(90);
  }

  @Test
  void lengauerTarjanPaperExampleHasTheKnownDominators() {
    // The flow graph of Lengauer & Tarjan (1979), figure 1, rooted at R.
    TestGraph t =
        new TestGraph()
            .object("R", 1, "A", "B", "C")
            .object("A", 1, "D")
            .object("B", 1, "A", "D", "E")
            .object("C", 1, "F", "G")
            .object("D", 1, "L")
            .object("E", 1, "H")
            .object("F", 1, "I")
            .object("G", 1, "I", "J")
            .object("H", 1, "E", "K")
            .object("I", 1, "K")
            .object("J", 1, "I")
            .object("K", 1, "I", "R")
            .object("L", 1, "H")
            .root("R");
    HeapGraph g = t.build();
    DominatorTree d = DominatorTree.compute(g);
    String[][] expected = {
      {"A", "R"}, {"B", "R"}, {"C", "R"}, {"D", "R"}, {"E", "R"}, {"F", "C"},
      {"G", "C"}, {"H", "R"}, {"I", "R"}, {"J", "G"}, {"K", "R"}, {"L", "D"}
    };
    for (String[] e : expected) {
      assertThat(d.immediateDominator(t.node(g, e[0])))
          .as("idom(%s)", e[0])
          .isEqualTo(t.node(g, e[1]));
    }
    assertThat(d.retainedSize(t.node(g, "C"))).isEqualTo(4); // C, F, G, J
    assertThat(d.retainedSize(t.node(g, "D"))).isEqualTo(2); // D, L
  }

  @Test
  void randomGraphsMatchTheDefinitionOfRetainedSize() {
    Random random = new Random(42);
    for (int round = 0; round < 60; round++) {
      int n = 2 + random.nextInt(40);
      int[][] edges = new int[n][];
      long[] sizes = new long[n];
      GraphBuilder b = new GraphBuilder(8, ArrayAllocator.onHeap());
      int cls = b.addClass(0, "Obj", 0);
      for (int v = 0; v < n; v++) {
        sizes[v] = 1 + random.nextInt(100);
        edges[v] = random.ints(random.nextInt(4), 0, n).toArray();
        // Ids in shuffled order, to exercise the builder's sorting.
        b.addObject(id(v, n), cls, sizes[v]);
        for (int w : edges[v]) {
          b.addReference(id(w, n));
        }
      }
      boolean[] root = new boolean[n];
      for (int r = 0, roots = 1 + random.nextInt(3); r < roots; r++) {
        int v = random.nextInt(n);
        root[v] = true;
        b.addRoot(id(v, n), RootKind.JAVA_FRAME);
      }
      HeapGraph g = b.build();
      DominatorTree d = DominatorTree.compute(g);
      boolean[] reachable = reach(edges, root, -1);
      for (int v = 0; v < n; v++) {
        // Definition: v retains what becomes unreachable when v is removed (plus v itself).
        long expected = 0;
        if (reachable[v]) {
          boolean[] without = reach(edges, root, v);
          for (int w = 0; w < n; w++) {
            if (reachable[w] && !without[w]) {
              expected += sizes[w];
            }
          }
        }
        assertThat(d.retainedSize(g.indexOf(id(v, n))))
            .as("round %d, retained size of %d", round, v)
            .isEqualTo(expected);
      }
    }
  }

  private static long id(int v, int n) {
    return 0x10_0000L + 16L * ((v * 7919L) % (n * 7919L + 1)) + 8L * v;
  }

  private static boolean[] reach(int[][] edges, boolean[] root, int removed) {
    boolean[] seen = new boolean[edges.length];
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int v = 0; v < edges.length; v++) {
      if (root[v] && v != removed) {
        seen[v] = true;
        queue.add(v);
      }
    }
    while (!queue.isEmpty()) {
      int v = queue.poll();
      for (int w : edges[v]) {
        if (w != removed && !seen[w]) {
          seen[w] = true;
          queue.add(w);
        }
      }
    }
    return seen;
  }

  @Test
  void chainOfTwoHundredThousandNeedsNoRecursion() {
    GraphBuilder b = new GraphBuilder(8, ArrayAllocator.onHeap());
    int cls = b.addClass(0, "Link", 0);
    int n = 200_000; // far deeper than any recursive DFS survives on a default stack
    for (int i = 0; i < n; i++) {
      b.addObject(8L * (i + 1), cls, 16);
      if (i + 1 < n) {
        b.addReference(8L * (i + 2));
      }
    }
    b.addRoot(8, RootKind.JAVA_FRAME);
    HeapGraph g = b.build();
    DominatorTree d = DominatorTree.compute(g);
    assertThat(d.retainedSize(0)).isEqualTo(16L * n);
    assertThat(d.retainedSize(n - 1)).isEqualTo(16);
  }

  @Test
  void spilledArraysGiveTheSameAnswerAndTheirFilesAreDeleted(@TempDir Path dir) {
    TestGraph t =
        new TestGraph()
            .object("A", 1, "B", "C")
            .object("B", 2, "D")
            .object("C", 4, "D")
            .object("D", 8)
            .root("A");
    ArrayAllocator spilling = new ArrayAllocator(0, dir);
    HeapGraph g = t.build(spilling);
    DominatorTree d = DominatorTree.compute(g);
    assertThat(spilling.spilledBytes()).isPositive();
    assertThat(spilling.tempFiles()).isNotEmpty().allMatch(Files::exists);
    assertThat(d.retainedSize(t.node(g, "A"))).isEqualTo(15);
    assertThat(d.retainedSize(t.node(g, "B"))).isEqualTo(2);
    var files = spilling.tempFiles();
    g.close();
    assertThat(files).noneMatch(Files::exists);
  }
}
