package io.heapfleet.analysis.internal.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load stage with no heap budget: the stream buffers and every build array go to temp files,
 * ids arrive shuffled, with duplicate records and dangling references, and the graph comes out the
 * same as one built on the heap.
 */
class SpillingLoadTest {
  private static final int OBJECTS = 60_000;

  /** Short sort runs, so that the ids are merged from several of them. */
  private static final int RUN = 1_000;

  @Test
  void shuffledIdsOverSeveralRunsBuildTheSameGraphWhenEverythingSpills(@TempDir Path spill)
      throws Exception {
    try (HeapGraph onHeap = build(ArrayAllocator.onHeap());
        ArrayAllocator spilling = new ArrayAllocator(0, spill);
        HeapGraph spilled = build(spilling)) {
      assertThat(spilling.heapBytes()).isZero();
      assertThat(spilling.spilledBytes())
          .as("the stream buffers spilled too, not only the graph")
          .isGreaterThan(spilled.footprintBytes());
      assertThat(spilled.objectCount()).isEqualTo(OBJECTS).isEqualTo(onHeap.objectCount());
      assertThat(spilled.edgeCount()).isEqualTo(onHeap.edgeCount());
      // Every object k (id 0x1000 + 16k) points at k+1; a dangling reference is dropped.
      assertThat(spilled.edgeCount()).isEqualTo(OBJECTS - 1);
      // Plain loops: millions of assertion objects would make the test slow, not stricter.
      int wrong = 0;
      String first = null;
      for (int node = 0; node < OBJECTS; node++) {
        boolean ok =
            spilled.id(node) == 0x1000 + 16L * node
                && spilled.classOf(node) == onHeap.classOf(node)
                && spilled.shallowSize(node) == 16 + node % 7
                && spilled.edgeEnd(node) - spilled.edgeStart(node) == (node == OBJECTS - 1 ? 0 : 1)
                && (node == OBJECTS - 1 || spilled.edgeTarget(spilled.edgeStart(node)) == node + 1);
        if (!ok && wrong++ == 0) {
          first = "node " + node + " id 0x" + Long.toHexString(spilled.id(node));
        }
      }
      assertThat(wrong).as("nodes that differ, first: %s", first).isZero();
      assertThat(spilled.rootCount()).isEqualTo(onHeap.rootCount()).isEqualTo(1);
    }
    try (Stream<Path> left = Files.list(spill)) {
      assertThat(left).as("spill files are deleted").isEmpty();
    }
  }

  @Test
  void sortedIdsMergeRunsAndDropDuplicates(@TempDir Path spill) {
    LongChunks ids = new LongChunks();
    SplittableRandom random = new SplittableRandom(7);
    long[] shuffled = shuffledIds(random);
    for (long id : shuffled) {
      ids.add(id);
    }
    ids.add(shuffled[3]); // a duplicate record
    try (ArrayAllocator allocator = new ArrayAllocator(0, spill)) {
      SortedIds sorted = SortedIds.of(ids, allocator, RUN);
      assertThat(sorted.streamOrder()).isFalse();
      assertThat(sorted.count()).isEqualTo(OBJECTS);
      long wrong = 0;
      for (int i = 0; i < OBJECTS; i++) {
        if (sorted.ids().get(i) != 0x1000 + 16L * i) {
          wrong++;
        }
      }
      assertThat(wrong).isZero();
    }
  }

  private static HeapGraph build(ArrayAllocator allocator) {
    GraphBuilder b = new GraphBuilder(8, allocator);
    int[] classes = {b.addClass(0, "com.acme.A", 0), b.addClass(0, "com.acme.B", 0)};
    long[] shuffled = shuffledIds(new SplittableRandom(2026));
    for (long id : shuffled) {
      long k = (id - 0x1000) / 16;
      b.addObject(id, classes[(int) (k & 1)], 16 + k % 7);
      b.addReference(id + 16); // the next object (dangling for the last one)
      b.addReference(0xDEAD_0000_0000L + k); // never an object: dropped
    }
    b.addObject(shuffled[0], classes[0], 999); // a duplicate record: the first one wins
    b.addReference(shuffled[1]);
    b.addRoot(0x1000, RootKind.JNI_GLOBAL);
    return b.build();
  }

  private static long[] shuffledIds(SplittableRandom random) {
    long[] ids = new long[OBJECTS];
    for (int i = 0; i < OBJECTS; i++) {
      ids[i] = 0x1000 + 16L * i;
    }
    for (int i = OBJECTS - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      long t = ids[i];
      ids[i] = ids[j];
      ids[j] = t;
    }
    return ids;
  }
}
