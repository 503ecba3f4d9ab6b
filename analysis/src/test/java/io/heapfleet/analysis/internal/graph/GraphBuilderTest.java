package io.heapfleet.analysis.internal.graph;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GraphBuilderTest {

  @Test
  void unsortedIdsAreIndexedInIdOrderAndEdgesFollowTheirObjects() {
    GraphBuilder b = new GraphBuilder(8, ArrayAllocator.onHeap());
    int node = b.addClass(0, "Node", 0);
    b.addObject(0x300, node, 30);
    b.addReference(0x100);
    b.addObject(0x100, node, 10);
    b.addReference(0x200);
    b.addReference(0x300);
    b.addObject(0x200, node, 20);
    b.addRoot(0x300, RootKind.JAVA_FRAME);
    HeapGraph g = b.build();

    assertThat(g.objectCount()).isEqualTo(3);
    assertThat(g.id(0)).isEqualTo(0x100);
    assertThat(g.id(2)).isEqualTo(0x300);
    assertThat(g.shallowSize(g.indexOf(0x200))).isEqualTo(20);
    int n100 = g.indexOf(0x100);
    assertThat(g.edgeEnd(n100) - g.edgeStart(n100)).isEqualTo(2);
    assertThat(g.edgeTarget(g.edgeStart(n100))).isEqualTo(g.indexOf(0x200));
    assertThat(g.edgeTarget(g.edgeStart(g.indexOf(0x300)))).isEqualTo(n100);
    assertThat(g.rootKind(g.indexOf(0x300))).isEqualTo(RootKind.JAVA_FRAME);
    assertThat(g.rootKind(n100)).isNull();
  }

  @Test
  void danglingReferencesAndDuplicateRecordsAreDropped() {
    GraphBuilder b = new GraphBuilder(4, ArrayAllocator.onHeap());
    int c = b.addClass(0, "Thing", 0);
    b.addObject(0x10, c, 16);
    b.addReference(0xDEAD); // not in the dump
    b.addReference(0x20);
    b.addObject(0x20, c, 24);
    b.addObject(0x10, c, 999); // a second record for 0x10: the first wins
    b.addReference(0x20);
    HeapGraph g = b.build();

    assertThat(g.objectCount()).isEqualTo(2);
    assertThat(g.edgeCount()).isEqualTo(1);
    assertThat(g.shallowSize(g.indexOf(0x10))).isEqualTo(16);
    assertThat(g.indexOf(0xDEAD)).isEqualTo(-1);
    assertThat(g.indexOf(0x15)).isEqualTo(-1);
    assertThat(g.indexOf(0x5)).isEqualTo(-1);
  }

  @Test
  void classObjectsAreRootsAndKnowTheirClass() {
    GraphBuilder b = new GraphBuilder(8, ArrayAllocator.onHeap());
    int store = b.addClass(0x500, "com.acme.Store", 0);
    int item = b.addClass(0x600, "com.acme.Item", 0);
    b.addClassObject(store, 16);
    b.addReference(0x1000); // a static field
    b.addClassObject(item, 16);
    b.addObject(0x1000, item, 24);
    HeapGraph g = b.build();

    int storeNode = g.indexOf(0x500);
    assertThat(g.isClassObject(storeNode)).isTrue();
    assertThat(g.classOf(storeNode)).isEqualTo(store);
    assertThat(g.rootKind(storeNode)).isEqualTo(RootKind.CLASS);
    assertThat(g.isClassObject(g.indexOf(0x1000))).isFalse();
    assertThat(g.classes().name(g.classOf(g.indexOf(0x1000)))).isEqualTo("com.acme.Item");
  }

  @Test
  void memoryEstimateNamesAnXmxThatCoversThePeak() {
    MemoryEstimate e = new MemoryEstimate(100_000_000L, 150_000_000L);
    assertThat(e.peakHeapBytes()).isGreaterThan(e.analysisBytes() - 1);
    assertThat(e.suggestedXmx()).endsWith("g");
    long gb = Long.parseLong(e.suggestedXmx().replace("g", ""));
    assertThat(gb << 30).isGreaterThanOrEqualTo(e.peakHeapBytes());
  }
}
