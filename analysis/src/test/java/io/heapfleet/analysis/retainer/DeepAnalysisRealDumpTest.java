package io.heapfleet.analysis.retainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heapfleet.analysis.internal.graph.ArrayAllocator;
import io.heapfleet.analysis.internal.graph.HprofGraphLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deep analysis of real HotSpot dumps written by child JVMs running {@link LeakFixtures}. */
class DeepAnalysisRealDumpTest {
  private static final String FIX = LeakFixtures.class.getName();
  static Path cartDump;
  static Path listenerDump;
  static Path threadLocalDump;

  @BeforeAll
  static void dumpLeakyJvms() throws Exception {
    cartDump = RealDumps.shared("cart");
    listenerDump = RealDumps.shared("listener");
    threadLocalDump = RealDumps.shared("threadlocal");
  }

  @Test
  void byteArraysHeldByCartsInAStaticMapNameTheCartAndTheStaticHolder() throws Exception {
    DeepResult r = DeepAnalysis.of(cartDump, DeepOptions.defaults(), List.of("byte[]"));
    SuspectOwner owner = r.owner("byte[]").orElseThrow();
    assertThat(owner.owner()).isEqualTo(FIX + "$Cart");
    // 2000 carts, each with a 4 KB payload: the carts retain at least that.
    assertThat(owner.retainedBytes()).isGreaterThanOrEqualTo(2000L * 4096);
    assertThat(owner.path().get(0)).isEqualTo("static " + FIX + "$CartStore.CARTS");
    assertThat(owner.path())
        .contains("java.util.HashMap.table", FIX + "$Cart.payload")
        .anyMatch(s -> s.matches("java\\.util\\.HashMap\\$Node\\[]\\[\\d+]"))
        .endsWith("byte[]");
    // The noise in Settings.BLOBS is a smaller, separate owner.
    assertThat(r.suspects().get(0).owners())
        .extracting(OwnerReport::owner)
        .contains(FIX + "$Settings");
  }

  @Test
  void theCartsThemselvesAreOwnedByTheClassWithTheStaticMap() throws Exception {
    DeepResult r = DeepAnalysis.of(cartDump, DeepOptions.defaults(), List.of(FIX + "$Cart"));
    SuspectReport report = r.suspects().get(0);
    assertThat(report.instances()).isEqualTo(2000);
    OwnerReport top = report.owners().get(0);
    assertThat(top.owner()).isEqualTo(FIX + "$CartStore");
    assertThat(top.ownerIsClass()).isTrue();
    assertThat(top.suspectRetainedBytes()).isGreaterThanOrEqualTo(2000L * 4096);
    assertThat(r.retainedBytes(FIX + "$Cart")).isEqualTo(report.retainedBytes());
  }

  @Test
  void listenerLeakNamesTheBus() throws Exception {
    DeepResult r =
        DeepAnalysis.of(listenerDump, DeepOptions.defaults(), List.of(FIX + "$Listener", "byte[]"));
    SuspectOwner listeners = r.owner(FIX + "$Listener").orElseThrow();
    assertThat(listeners.owner()).isEqualTo(FIX + "$EventBus");
    assertThat(listeners.retainedBytes()).isGreaterThanOrEqualTo(2000L * 2048);
    assertThat(listeners.path())
        .startsWith("static " + FIX + "$EventBus.INSTANCE", FIX + "$EventBus.listeners")
        .endsWith(FIX + "$Listener");
    SuspectOwner buffers = r.owner("byte[]").orElseThrow();
    assertThat(buffers.owner()).isEqualTo(FIX + "$Listener");
  }

  @Test
  void threadLocalLeakNamesTheThreadOfTheThreadLocalMap() throws Exception {
    DeepResult r =
        DeepAnalysis.of(threadLocalDump, DeepOptions.defaults(), List.of(FIX + "$Session"));
    SuspectOwner owner = r.owner(FIX + "$Session").orElseThrow();
    assertThat(owner.owner()).isEqualTo("java.lang.Thread");
    assertThat(owner.retainedBytes()).isGreaterThanOrEqualTo(1500L * 4096);
    assertThat(owner.path().get(0))
        .isEqualTo("(thread) java.lang.Thread \"session-worker\".threadLocals");
    assertThat(owner.path())
        .contains("java.lang.ThreadLocal$ThreadLocalMap.table")
        .endsWith(FIX + "$Session");
  }

  @Test
  void retainedSizesAddUpAndSpillingToDiskChangesNothing(@TempDir Path spill) throws Exception {
    DeepResult onHeap = DeepAnalysis.of(cartDump, DeepOptions.defaults(), List.of("byte[]"));
    DeepResult spilled =
        DeepAnalysis.of(
            cartDump,
            DeepOptions.defaults().withArrayHeapBudget(0).withSpillDirectory(spill),
            List.of("byte[]"));
    assertThat(spilled.classes()).isEqualTo(onHeap.classes());
    assertThat(spilled.suspects()).isEqualTo(onHeap.suspects());
    assertThat(onHeap.reachableObjects()).isLessThanOrEqualTo(onHeap.objects());
    // The biggest top-level dominator cannot retain more than everything reachable.
    assertThat(onHeap.topDominators().get(0).retainedBytes())
        .isLessThanOrEqualTo(onHeap.reachableBytes());
    try (Stream<Path> left = Files.list(spill)) {
      assertThat(left).as("spill files are deleted").isEmpty();
    }
  }

  @Test
  void aGzipDumpGivesTheSameAnswerAsThePlainOne(@TempDir Path tmp) throws Exception {
    Path gz = tmp.resolve("cart.hprof.gz");
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(cartDump, out);
    }
    List<String> suspects = List.of("byte[]", FIX + "$Cart");
    DeepResult plain = DeepAnalysis.of(cartDump, DeepOptions.defaults(), suspects);
    DeepResult zipped = DeepAnalysis.of(gz, DeepOptions.defaults(), suspects);
    assertThat(zipped.suspects()).isEqualTo(plain.suspects());
    assertThat(zipped.classes()).isEqualTo(plain.classes());
  }

  @Test
  void aDumpTooBigForTheHeapFailsWithTheXmxItNeeds() {
    assertThatThrownBy(
            () -> HprofGraphLoader.load(cartDump, ArrayAllocator.onHeap(), 1L << 20).close())
        .isInstanceOf(GraphTooLargeException.class)
        .hasMessageContaining("-Xmx");
  }
}
