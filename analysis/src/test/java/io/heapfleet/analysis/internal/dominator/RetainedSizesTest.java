package io.heapfleet.analysis.internal.dominator;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.internal.graph.HeapGraph;
import io.heapfleet.analysis.internal.graph.TestGraph;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetainedSizesTest {

  @Test
  void nestedInstancesOfOneClassAreCountedOnce() {
    // A linked list Node1 -> Node2 -> Node3, each holding a byte array.
    TestGraph t =
        new TestGraph()
            .object("Holder", 16, "Node1")
            .object("Node1", 24, "Node2", "Bytes1")
            .object("Node2", 24, "Node3", "Bytes2")
            .object("Node3", 24, "Bytes3")
            .object("Bytes1", 100)
            .object("Bytes2", 100)
            .object("Bytes3", 100)
            .root("Holder");
    HeapGraph g = t.build();
    List<ClassRetained> perClass = RetainedSizes.perClass(DominatorTree.compute(g));
    assertThat(perClass)
        .containsExactly(
            new ClassRetained("Holder", 1, 16, 388),
            new ClassRetained("Node", 3, 72, 372),
            new ClassRetained("Bytes", 3, 300, 300));
  }

  @Test
  void topDominatorsAreTheBiggestFirstLevelObjects() {
    TestGraph t =
        new TestGraph()
            .object("Small1", 10)
            .object("Big1", 10, "Leaf1")
            .object("Leaf1", 500)
            .object("Shared1", 5)
            .object("Mid1", 10, "Shared1")
            .object("Mid2", 10, "Shared1")
            .root("Small1", "Big1", "Mid1", "Mid2");
    HeapGraph g = t.build();
    List<Dominator> top = RetainedSizes.top(DominatorTree.compute(g), 2);
    assertThat(top)
        .extracting(Dominator::objectId)
        .containsExactly(t.idOf("Big1"), t.idOf("Small1"));
    assertThat(top.get(0).retainedBytes()).isEqualTo(510);
  }
}
