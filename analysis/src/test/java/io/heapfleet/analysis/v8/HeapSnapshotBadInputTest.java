package io.heapfleet.analysis.v8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heapfleet.analysis.histogram.ClassHistogram;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Hostile and broken snapshots end in a {@link HeapSnapshotFormatException} that names the offset
 * and the problem: truncation anywhere (of a real snapshot, plain and gzip) and hand-made documents
 * with wrong types, counts that disagree with the meta, out-of-range indices and oversized parts.
 */
class HeapSnapshotBadInputTest {
  private static final Instant T = Instant.parse("2026-11-22T01:00:00Z");

  @TempDir Path dir;

  /** A tiny valid snapshot: a root with one property edge to a Foo object. */
  private static final String META =
      "{\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\",\"self_size\",\"edge_count\"],"
          + "\"node_types\":[[\"hidden\",\"array\",\"string\",\"object\",\"code\",\"closure\","
          + "\"synthetic\"],\"string\",\"number\",\"number\",\"number\"],"
          + "\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"],"
          + "\"edge_types\":[[\"context\",\"element\",\"property\",\"internal\",\"hidden\","
          + "\"shortcut\",\"weak\"],\"string_or_number\",\"node\"]},"
          + "\"node_count\":NODES,\"edge_count\":EDGES}";

  private static String doc(
      int nodes, int edges, String nodeValues, String edgeValues, String strings) {
    return "{\"snapshot\":"
        + META.replace("NODES", Integer.toString(nodes)).replace("EDGES", Integer.toString(edges))
        + ",\n\"nodes\":["
        + nodeValues
        + "],\n\"edges\":["
        + edgeValues
        + "],\n\"trace_tree\":[1,[2,{\"a\":[]}]],\"strings\":["
        + strings
        + "]}";
  }

  private static final String VALID =
      doc(2, 1, "6,0,1,0,1, 3,1,3,24,0", "2,2,5", "\"\",\"Foo\",\"child\"");

  private static ClassHistogram read(String json) throws IOException {
    return read(json, SnapshotLimits.DEFAULT);
  }

  private static ClassHistogram read(String json, SnapshotLimits limits) throws IOException {
    return HeapSnapshots.histogram(
        new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), T, limits);
  }

  @Test
  void theHandMadeSnapshotIsValid() throws IOException {
    ClassHistogram h = read(VALID);
    assertThat(h.get("Foo").orElseThrow().instances()).isEqualTo(1);
    assertThat(h.get("Foo").orElseThrow().shallowBytes()).isEqualTo(24);
    assertThat(h.get("(synthetic)").orElseThrow().instances()).isEqualTo(1);
    assertThat(h.instances()).isEqualTo(2);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          more nodes than node_count     | NODES=1                         | "nodes" holds more than snapshot.node_count 1
          fewer nodes than node_count    | NODES=3                         | "nodes" holds 10 values; snapshot.node_count 3 × 5 fields is 15
          more edges than edge_count     | EDGES=0                         | add up to more than snapshot.edge_count 0
          edge counts disagree           | 3,1,3,24,0] -> 3,1,3,24,1]         | add up to more than snapshot.edge_count 1
          to_node out of range           | 2,2,5] -> 2,2,10]                  | points to node index 10, not a multiple of 5 below 10
          to_node not a node start       | 2,2,5] -> 2,2,6]                   | points to node index 6
          node type out of range         | [6,0,1 -> [9,0,1                   | Node 0 has type 9; meta.node_types has 7
          edge type out of range         | 2,2,5] -> 8,2,5]                   | Edge 0 has type 8; meta.edge_types has 7
          node name past the strings     | 3,1,3,24 -> 3,7,3,24               | A node names string 7 but there are only 3 strings
          edge name past the strings     | 2,2,5] -> 2,9,5]                   | An edge names string 9 but there are only 3 strings
          a string among the nodes       | 3,1,3,24 -> 3,"1",3,24             | Expected a non-negative integer in "nodes" but found '"'
          a negative number              | 3,1,3,24 -> 3,1,-3,24              | Expected a non-negative integer in "nodes" but found '-'
          a fraction                     | 3,1,3,24 -> 3,1,3.5,24             | found a fraction or exponent
          a number over 32 bits          | 3,1,3,24 -> 3,1,3,4294967296       | Number too large in "nodes"
          nodes before the layout        | {"snapshot": -> {"nodes":[],"snapshot": | "nodes" before "snapshot"
          no strings section             | ,"strings":["","Foo","child"] -> | no "strings" section
          missing node field             | "self_size", -> | has no "self_size"
          node_count not a number        | NODES=x                         | Expected a JSON value in "snapshot" but found 'x'
          garbage after the document     | "child"]} -> "child"]}x            | Unexpected data after the end of the snapshot
          bad escape in a string         | "Foo" -> "F\\qoo"                  | Bad escape \\q in string 1
          not JSON at all                | {"snapshot": -> <html>             | Expected '{' at the start of a heap snapshot but found '<'
          """)
  void brokenSnapshotIsRefusedWithTheOffset(String name, String mutation, String expected) {
    String json;
    if (mutation.startsWith("NODES=")) {
      json = VALID.replace("\"node_count\":2", "\"node_count\":" + mutation.substring(6));
    } else if (mutation.startsWith("EDGES=")) {
      json = VALID.replace("\"edge_count\":1", "\"edge_count\":" + mutation.substring(6));
    } else {
      String[] parts = mutation.split("\\s*->\\s*", -1);
      assertThat(VALID).contains(parts[0]);
      int at = VALID.indexOf(parts[0]);
      json = VALID.substring(0, at) + parts[1] + VALID.substring(at + parts[0].length());
    }
    assertThatThrownBy(() -> read(json))
        .isInstanceOf(HeapSnapshotFormatException.class)
        .hasMessageContaining(expected)
        .hasMessageMatching("(?s).*\\(at offset \\d+\\)$");
  }

  @Test
  void limitsAreEnforcedBeforeAllocating() {
    assertThatThrownBy(() -> read(VALID, new SnapshotLimits(1, 10, 10, 10)))
        .isInstanceOf(HeapSnapshotFormatException.class)
        .hasMessageContaining("snapshot.node_count 2 is over the reader's limit of 1");
    assertThatThrownBy(() -> read(VALID, new SnapshotLimits(10, 10, 2, 10)))
        .hasMessageContaining("More than 2 strings (the reader's limit)");
    // "Foo" is decoded (an object's constructor name), so its length counts
    assertThatThrownBy(() -> read(VALID, new SnapshotLimits(10, 10, 10, 2)))
        .hasMessageContaining("string 1 is longer than 2 characters");
    String huge =
        doc(2, 1, "6,0,1,0,1, 3,1,3,24,0", "2,2,5", "\"\",\"Foo\",\"" + "x".repeat(5000) + "\"");
    // a long string nobody needs is skipped, whatever the limit
    assertThat(catchNothing(() -> read(huge, new SnapshotLimits(10, 10, 10, 100)))).isTrue();
  }

  @Test
  void aTinyFileClaimingHugeCountsFailsWithoutAllocatingForThem() {
    String liar =
        VALID
            .replace("\"node_count\":2", "\"node_count\":140000000")
            .replace("\"edge_count\":1", "\"edge_count\":590000000");
    assertThatThrownBy(() -> read(liar))
        .isInstanceOf(HeapSnapshotFormatException.class)
        .hasMessageContaining("\"nodes\" holds 10 values; snapshot.node_count 140000000");
    assertThatThrownBy(
            () ->
                V8Graph.read(
                    new ByteArrayInputStream(liar.getBytes(StandardCharsets.UTF_8)),
                    SnapshotLimits.DEFAULT))
        .isInstanceOf(HeapSnapshotFormatException.class)
        .hasMessageContaining("snapshot.node_count 140000000");
  }

  private static boolean catchNothing(IoAction a) {
    try {
      a.run();
      return true;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private interface IoAction {
    void run() throws IOException;
  }

  @Test
  void realSnapshotTruncatedAnywhereFailsCleanly() throws Exception {
    byte[] bytes = Files.readAllBytes(NodeFixture.snapshots(dir, "oracle", 1, 100).get(0));
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    List<Integer> cuts = new ArrayList<>();
    for (int i = 0; i < 400; i += 3) {
      cuts.add(i); // inside the meta
    }
    for (String section :
        List.of("\"nodes\":[", "\"edges\":[", "\"strings\":[", "\"locations\":[")) {
      int at = text.indexOf(section);
      assertThat(at).as(section).isPositive();
      for (int d = -3; d < section.length() + 8; d++) {
        cuts.add(at + d);
      }
    }
    for (int k = 1; k < 150; k++) {
      cuts.add((int) ((long) bytes.length * k / 150));
    }
    for (int d = 1; d <= 40; d++) {
      cuts.add(bytes.length - d);
    }
    for (int cut : cuts) {
      assertThatThrownBy(
              () ->
                  HeapSnapshots.histogram(
                      new ByteArrayInputStream(bytes, 0, cut), T, SnapshotLimits.DEFAULT))
          .as("cut at %d of %d", cut, bytes.length)
          .isInstanceOf(HeapSnapshotFormatException.class)
          .satisfies(
              e ->
                  assertThat(((HeapSnapshotFormatException) e).offset()).isBetween(0L, (long) cut));
    }
    // and whole it reads
    assertThat(
            HeapSnapshots.histogram(new ByteArrayInputStream(bytes), T, SnapshotLimits.DEFAULT)
                .get("Foo"))
        .isPresent();
  }

  @Test
  void truncatedGzipFailsCleanly() throws Exception {
    byte[] plain = Files.readAllBytes(NodeFixture.snapshots(dir, "oracle", 1, 100).get(0));
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(buf)) {
      gz.write(plain);
    }
    byte[] gz = buf.toByteArray();
    for (int k = 1; k < 40; k++) {
      int cut = (int) ((long) gz.length * k / 40);
      assertThatThrownBy(
              () ->
                  HeapSnapshots.histogram(
                      new ByteArrayInputStream(gz, 0, cut), T, SnapshotLimits.DEFAULT))
          .as("gzip cut at %d of %d", cut, gz.length)
          .isInstanceOf(HeapSnapshotFormatException.class);
    }
    assertThatThrownBy(
            () ->
                HeapSnapshots.histogram(
                    new ByteArrayInputStream(gz, 0, gz.length / 2), T, SnapshotLimits.DEFAULT))
        .hasMessageContaining("Cannot read the input: EOFException");
  }
}
