package io.heapfleet.analysis.retainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.internal.graph.ArrayAllocator;
import io.heapfleet.analysis.internal.graph.HprofGraphLoader;
import io.heapfleet.analysis.internal.graph.LoadedDump;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real HotSpot dump loads with a heap limit far below what its stream buffers need on the heap,
 * because with a spilling allocator they go to temp files (the on-heap allocator fails with the
 * same limit: {@code DeepAnalysisRealDumpTest.aDumpTooBigForTheHeapFailsWithTheXmxItNeeds}).
 */
class SpillingLoadRealDumpTest {
  @Test
  void aDumpLoadsWithinATinyHeapLimitWhenTheStreamBuffersSpill(@TempDir Path spill)
      throws Exception {
    Path cart = RealDumps.shared("cart");
    int objects;
    long edges;
    try (LoadedDump onHeap = HprofGraphLoader.load(cart, ArrayAllocator.onHeap(), Long.MAX_VALUE)) {
      objects = onHeap.graph().objectCount();
      edges = onHeap.graph().edgeCount();
    }
    try (ArrayAllocator allocator = new ArrayAllocator(0, spill);
        LoadedDump spilled = HprofGraphLoader.load(cart, allocator, 1L << 20)) {
      assertThat(spilled.graph().objectCount()).isEqualTo(objects).isGreaterThan(10_000);
      assertThat(spilled.graph().edgeCount()).isEqualTo(edges);
      assertThat(allocator.heapBytes()).isZero();
      assertThat(allocator.spilledBytes()).isGreaterThan(spilled.graph().footprintBytes());
    }
    try (Stream<Path> left = Files.list(spill)) {
      assertThat(left).as("spill files are deleted").isEmpty();
    }
  }
}
