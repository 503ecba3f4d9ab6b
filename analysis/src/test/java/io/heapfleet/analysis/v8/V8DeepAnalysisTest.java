package io.heapfleet.analysis.v8;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.histogram.ClassHistograms;
import io.heapfleet.analysis.internal.dominator.DominatorTree;
import io.heapfleet.analysis.internal.graph.ArrayAllocator;
import io.heapfleet.analysis.internal.graph.HeapGraph;
import io.heapfleet.analysis.retainer.DeepAnalysis;
import io.heapfleet.analysis.retainer.DeepOptions;
import io.heapfleet.analysis.retainer.DeepResult;
import io.heapfleet.analysis.retainer.GrowingOwner;
import io.heapfleet.analysis.retainer.OwnerRanking;
import io.heapfleet.analysis.retainer.SuspectOwner;
import io.heapfleet.analysis.retainer.SuspectReport;
import io.heapfleet.analysis.retainer.TrendOwners;
import io.heapfleet.analysis.trend.Assessment;
import io.heapfleet.analysis.trend.TrendAnalysis;
import io.heapfleet.analysis.trend.TrendResult;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Dominators, retained sizes and owners on V8 heap snapshots: each Node leak of {@code
 * heap-fixture.js} is attributed to the object that accumulates it, named by constructor and the
 * variable or property holding it; the dominator tree ignores weak edges as DevTools does.
 */
class V8DeepAnalysisTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}: {1} held by {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          memoize   | Quote           | Map held by closure memoized (context variable cache)
          global    | AuditEvent      | Array held by global (property auditLog)
          listeners | Session         | Array held by EventEmitter (property _events.config-changed)
          closures  | IncomingRequest | Object held by global (property callbacks)
          """)
  void leakingTrendNamesTheOwnerByConstructorAndReference(
      String mode, String accumulating, String owner) throws Exception {
    List<Path> snapshots = NodeFixture.snapshots(dir, mode, 4, 0);
    List<ClassHistogram> series = new ArrayList<>();
    for (Path p : snapshots) {
      series.add(ClassHistograms.of(p));
    }
    TrendResult trend = TrendAnalysis.of(series);
    assertThat(trend.assessment()).as(trend.reason()).isEqualTo(Assessment.LEAKING);

    Map<String, SuspectOwner> owners =
        TrendOwners.of(trend, snapshots.get(3), DeepOptions.defaults(), 5);

    SuspectOwner o = owners.get(accumulating);
    assertThat(o).as("owner of %s among %s", accumulating, owners.keySet()).isNotNull();
    assertThat(o.owner()).isEqualTo(owner);
    assertThat(o.path()).first().asString().startsWith("(root)");
    assertThat(o.path()).last().isEqualTo(accumulating);
    List<GrowingOwner> ranked = OwnerRanking.rank(trend, owners);
    assertThat(ranked.get(0).owner()).isEqualTo(owner);
    assertThat(ranked.get(0).heldBy()).isEqualTo(owner);
    assertThat(ranked.get(0).steady()).isTrue();
  }

  @Test
  void retainersOfAMemoizeCacheCountEveryInstanceAndRetainTheirSizes() throws Exception {
    Path snapshot = NodeFixture.snapshots(dir, "memoize", 2, 0).get(1);
    ClassHistogram h = ClassHistograms.of(snapshot);

    DeepResult r = DeepAnalysis.of(snapshot, DeepOptions.defaults(), List.of("Quote"));

    SuspectReport quote = r.suspects().get(0);
    assertThat(quote.instances()).isEqualTo(10_000);
    assertThat(quote.owners()).hasSize(1);
    assertThat(quote.owners().get(0).instances()).isEqualTo(10_000);
    // a Quote holds only its own fields (its key string is shared with the Map): retained =
    // shallow here, and the Map retains them all plus its table and keys
    assertThat(quote.retainedBytes()).isEqualTo(h.get("Quote").orElseThrow().shallowBytes());
    assertThat(quote.owners().get(0).ownerRetainedBytes()).isGreaterThan(quote.retainedBytes());
    assertThat(r.objects()).isEqualTo(h.instances());
    assertThat(r.sizeModel()).isEqualTo("v8-self-size");
    assertThat(r.retainedBytes("Quote")).isEqualTo(quote.retainedBytes());
  }

  /** root → A, root ⇢(weak) B, A → B; C only weakly held. */
  private static final String WEAK =
      "{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\",\"self_size\","
          + "\"edge_count\"],\"node_types\":[[\"hidden\",\"array\",\"string\",\"object\","
          + "\"synthetic\"],\"string\",\"number\",\"number\",\"number\"],"
          + "\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"],"
          + "\"edge_types\":[[\"context\",\"element\",\"property\",\"internal\",\"hidden\","
          + "\"shortcut\",\"weak\"],\"string_or_number\",\"node\"]},"
          + "\"node_count\":4,\"edge_count\":4},"
          + "\"nodes\":[4,0,1,0,3, 3,1,3,10,1, 3,2,5,100,0, 3,3,7,1000,0],"
          + "\"edges\":[2,4,5, 6,4,10, 6,4,15, 2,4,10],"
          + "\"strings\":[\"\",\"A\",\"B\",\"C\",\"ref\"]}";

  @Test
  void weakEdgesNeitherRetainNorDominate() throws Exception {
    V8Graph g =
        V8Graph.read(
            new ByteArrayInputStream(WEAK.getBytes(StandardCharsets.UTF_8)),
            SnapshotLimits.DEFAULT);
    try (ArrayAllocator alloc = ArrayAllocator.onHeap()) {
      HeapGraph graph = V8DeepAnalysis.dominatorGraph(g, alloc);
      DominatorTree tree = DominatorTree.compute(graph);
      assertThat(tree.immediateDominator(2)).as("B under A, not the root").isEqualTo(1);
      assertThat(tree.retainedSize(1)).isEqualTo(110);
      assertThat(tree.isReachable(3)).as("C is only weakly held").isFalse();
      V8Owners owners = new V8Owners(g, tree);
      assertThat(owners.path(2)).containsExactly("(root) .ref", "A .ref", "B");
    }
  }
}
