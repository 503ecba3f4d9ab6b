package io.heapfleet.analysis.v8;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Streams one V8 heap snapshot ({@code v8.writeHeapSnapshot()}, Chrome DevTools' {@code
 * .heapsnapshot}) to a {@link SnapshotVisitor}, never holding the file's text: {@code
 * snapshot.meta} is parsed into a small structure, the {@code nodes} and {@code edges} arrays are
 * read one number at a time, the {@code strings} (last in V8's files) are decoded only where the
 * visitor needs them, and the sections the analysis does not use ({@code trace_tree}, {@code
 * samples}, ...) are skipped.
 *
 * <p>Everything is checked as it arrives: the node and edge arrays must hold exactly {@code
 * node_count} / {@code edge_count} records, the nodes' {@code edge_count}s must add up to the
 * edges, every type, {@code to_node} and string index must be in range. Any violation, and
 * truncation anywhere, is a {@link HeapSnapshotFormatException} naming the offset. The reader
 * itself keeps one {@code int} per node (its edge count, to know which node an edge leaves).
 *
 * <p>One instance reads one snapshot; not thread-safe.
 */
final class HeapSnapshotReader {
  /** Arrays sized by a declared count start at most this big and grow as the data arrives. */
  static final int INITIAL_CAPACITY = 1 << 16;

  private final JsonTokenizer in;
  private final SnapshotLimits limits;

  private SnapshotMeta meta;
  private int[] nodeEdgeCounts;
  private boolean nodesRead;
  private boolean edgesRead;
  private boolean stringsRead;
  private long maxNodeName = -1;
  private long maxEdgeName = -1;
  private int stringCount;
  private long bytes;

  public HeapSnapshotReader(InputStream snapshot, SnapshotLimits limits) {
    this.in = new JsonTokenizer(snapshot);
    this.limits = limits;
  }

  /** Bytes of JSON read (after decompression), once {@link #read} returned. */
  public long bytesRead() {
    return bytes;
  }

  /** Reads the whole snapshot into {@code visitor}; returns the layout. */
  public SnapshotMeta read(SnapshotVisitor visitor) throws IOException {
    in.expect('{', "at the start of a heap snapshot");
    if (!in.consumeIf('}')) {
      do {
        String key = in.readString(256, "a top-level key");
        in.expect(':', "after \"" + key + "\"");
        switch (key) {
          case "snapshot" -> {
            if (meta != null) {
              throw in.error("A second \"snapshot\" section");
            }
            meta =
                SnapshotMeta.parse(
                    in.readValue(0, new int[] {100_000}, "\"snapshot\""), limits, in);
            visitor.meta(meta);
          }
          case "nodes" -> readNodes(visitor);
          case "edges" -> readEdges(visitor);
          case "strings" -> readStrings(visitor);
          default -> in.skipValue("\"" + key + "\"");
        }
      } while (in.nextInObject("the snapshot's top-level object"));
    }
    if (!in.atEnd()) {
      throw in.error("Unexpected data after the end of the snapshot");
    }
    bytes = in.offset();
    if (meta == null || !nodesRead || !edgesRead || !stringsRead) {
      throw in.error(
          "Not a complete heap snapshot: no \""
              + (meta == null
                  ? "snapshot"
                  : !nodesRead ? "nodes" : !edgesRead ? "edges" : "strings")
              + "\" section");
    }
    return meta;
  }

  private void readNodes(SnapshotVisitor visitor) throws IOException {
    if (meta == null) {
      throw in.error("\"nodes\" before \"snapshot\": the layout must come first");
    }
    if (nodesRead) {
      throw in.error("A second \"nodes\" section");
    }
    int nf = meta.nodeFieldCount();
    int typeField = meta.nodeField("type");
    int nameField = meta.nodeField("name");
    int edgeCountField = meta.nodeField("edge_count");
    int types = meta.nodeTypes().size();
    int count = meta.nodeCount();
    // Grown as nodes arrive, not sized by the declared count: a tiny hostile file may claim
    // millions of nodes.
    nodeEdgeCounts = new int[Math.min(count, INITIAL_CAPACITY)];
    int[] fields = new int[nf];
    long edgeTotal = 0;
    int node = 0;
    int field = 0;
    in.expect('[', "to start \"nodes\"");
    if (!in.consumeIf(']')) {
      do {
        if (node == count) {
          throw in.error(
              "\"nodes\" holds more than snapshot.node_count "
                  + count
                  + " nodes of "
                  + nf
                  + " fields");
        }
        long v = in.readUnsigned32("\"nodes\"");
        if (field == typeField && v >= types) {
          throw in.error("Node " + node + " has type " + v + "; meta.node_types has " + types);
        }
        if (field == nameField && v > maxNodeName) {
          maxNodeName = v;
        }
        if (field == edgeCountField) {
          edgeTotal += v;
          if (edgeTotal > meta.edgeCount()) {
            throw in.error(
                "The nodes' edge_count values add up to more than snapshot.edge_count "
                    + meta.edgeCount()
                    + " (at node "
                    + node
                    + ")");
          }
          if (node == nodeEdgeCounts.length) {
            nodeEdgeCounts = Arrays.copyOf(nodeEdgeCounts, grown(node, count));
          }
          nodeEdgeCounts[node] = (int) v;
        }
        fields[field] = (int) v;
        if (++field == nf) {
          visitor.node(node, fields);
          field = 0;
          node++;
        }
      } while (in.nextInArray("\"nodes\""));
    }
    if (node != count || field != 0) {
      throw in.error(
          "\"nodes\" holds "
              + ((long) node * nf + field)
              + " values; snapshot.node_count "
              + count
              + " × "
              + nf
              + " fields is "
              + (long) count * nf);
    }
    if (edgeTotal != meta.edgeCount()) {
      throw in.error(
          "The nodes' edge_count values add up to "
              + edgeTotal
              + ", not snapshot.edge_count "
              + meta.edgeCount());
    }
    nodesRead = true;
  }

  private void readEdges(SnapshotVisitor visitor) throws IOException {
    if (!nodesRead) {
      throw in.error("\"edges\" before \"nodes\": V8 writes the nodes first");
    }
    if (edgesRead) {
      throw in.error("A second \"edges\" section");
    }
    int ef = meta.edgeFieldCount();
    int typeField = meta.edgeField("type");
    int nameField = meta.edgeField("name_or_index");
    int toField = meta.edgeField("to_node");
    int elementType = meta.edgeType("element");
    int hiddenType = meta.edgeType("hidden");
    int types = meta.edgeTypes().size();
    int nf = meta.nodeFieldCount();
    long nodeValues = (long) meta.nodeCount() * nf;
    int count = meta.edgeCount();
    boolean wants = visitor.wantsEdges();
    int[] fields = new int[ef];
    int edge = 0;
    int field = 0;
    int from = 0;
    int leftInNode = nodeEdgeCounts.length == 0 ? 0 : nodeEdgeCounts[0];
    in.expect('[', "to start \"edges\"");
    if (!in.consumeIf(']')) {
      do {
        if (edge == count) {
          throw in.error("\"edges\" holds more than snapshot.edge_count " + count + " edges");
        }
        long v = in.readUnsigned32("\"edges\"");
        if (field == typeField && v >= types) {
          throw in.error("Edge " + edge + " has type " + v + "; meta.edge_types has " + types);
        }
        if (field == toField && (v >= nodeValues || v % nf != 0)) {
          throw in.error(
              "Edge "
                  + edge
                  + " points to node index "
                  + v
                  + ", not a multiple of "
                  + nf
                  + " below "
                  + nodeValues);
        }
        fields[field] = (int) v;
        if (++field == ef) {
          int type = fields[typeField];
          if (type != elementType && type != hiddenType) {
            long name = fields[nameField] & 0xFFFF_FFFFL;
            if (name > maxEdgeName) {
              maxEdgeName = name;
            }
          }
          while (leftInNode == 0) { // the nodes' edge counts add up to count: this ends
            leftInNode = nodeEdgeCounts[++from];
          }
          if (wants) {
            visitor.edge(edge, from, fields);
          }
          leftInNode--;
          field = 0;
          edge++;
        }
      } while (in.nextInArray("\"edges\""));
    }
    if (edge != count || field != 0) {
      throw in.error(
          "\"edges\" holds "
              + ((long) edge * ef + field)
              + " values; snapshot.edge_count "
              + count
              + " × "
              + ef
              + " fields is "
              + (long) count * ef);
    }
    nodeEdgeCounts = null;
    edgesRead = true;
  }

  private void readStrings(SnapshotVisitor visitor) throws IOException {
    if (!nodesRead || !edgesRead) {
      throw in.error("\"strings\" before the nodes and edges: V8 writes the strings last");
    }
    if (stringsRead) {
      throw in.error("A second \"strings\" section");
    }
    int n = 0;
    in.expect('[', "to start \"strings\"");
    if (!in.consumeIf(']')) {
      do {
        if (n == limits.maxStrings()) {
          throw in.error("More than " + limits.maxStrings() + " strings (the reader's limit)");
        }
        if (visitor.wantsString(n)) {
          visitor.string(n, in.readString(limits.maxStringChars(), "string " + n));
        } else {
          in.skipString("string " + n);
        }
        n++;
      } while (in.nextInArray("\"strings\""));
    }
    stringCount = n;
    if (maxNodeName >= n) {
      throw in.error(
          "A node names string " + maxNodeName + " but there are only " + n + " strings");
    }
    if (maxEdgeName >= n) {
      throw in.error(
          "An edge names string " + maxEdgeName + " but there are only " + n + " strings");
    }
    stringsRead = true;
  }

  /** The next capacity of an array that is full at {@code length}, at most {@code max}. */
  static int grown(int length, int max) {
    return (int) Math.min(max, Math.max(16L, length * 2L));
  }

  /** Entries of the {@code strings} section, once read. */
  public int stringCount() {
    return stringCount;
  }
}
