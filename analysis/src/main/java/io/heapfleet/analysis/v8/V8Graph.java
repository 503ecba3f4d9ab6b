package io.heapfleet.analysis.v8;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The graph of one V8 heap snapshot in flat arrays, as the snapshot lays it out: per node its type,
 * name (a string index) and self size; per edge its type, name (a string index, or the element
 * index for {@code element} and {@code hidden} edges) and target node, the edges of node {@code n}
 * being {@code [firstEdge(n), firstEdge(n + 1))}. Names are kept only for what a retainer path or a
 * class name shows: the names of non-string nodes and of named edges; string contents are skipped.
 * Cost: 16 bytes per node and 12 per edge, plus the kept strings.
 *
 * <p>Immutable once read; thread-safe for reads.
 */
final class V8Graph {
  private final SnapshotMeta meta;
  private final int[] nodeType;
  private final int[] nodeName;
  private final int[] selfSize;
  private final int[] firstEdge;
  private final int[] edgeType;
  private final int[] edgeName;
  private final int[] edgeTo;
  private final String[] strings;
  private final long bytesRead;

  private V8Graph(Loader l, long bytesRead) {
    this.meta = l.meta;
    this.nodeType = l.nodeType;
    this.nodeName = l.nodeName;
    this.selfSize = l.selfSize;
    this.firstEdge = l.firstEdge;
    this.edgeType = l.edgeType;
    this.edgeName = l.edgeName;
    this.edgeTo = l.edgeTo;
    this.strings = l.strings;
    this.bytesRead = bytesRead;
  }

  /** Reads a snapshot (plain or gzip) into a graph; the stream is read to the end, not closed. */
  public static V8Graph read(InputStream snapshot, SnapshotLimits limits) throws IOException {
    Loader loader = new Loader();
    HeapSnapshotReader reader =
        new HeapSnapshotReader(HeapSnapshots.decompressed(snapshot), limits);
    reader.read(loader);
    return new V8Graph(loader, reader.bytesRead());
  }

  public SnapshotMeta meta() {
    return meta;
  }

  public int nodeCount() {
    return meta.nodeCount();
  }

  public int edgeCount() {
    return meta.edgeCount();
  }

  /** Decompressed bytes of JSON read. */
  public long bytesRead() {
    return bytesRead;
  }

  public String nodeType(int node) {
    return meta.nodeTypes().get(nodeType[node]);
  }

  /** The node's name: constructor for objects, function name for closures, "" if not kept. */
  public String nodeName(int node) {
    return string(nodeName[node]);
  }

  public long selfSize(int node) {
    return selfSize[node] & 0xFFFF_FFFFL;
  }

  /** DevTools' Summary group of the node ({@link V8ClassNames}). */
  public String className(int node) {
    return V8ClassNames.of(nodeType(node), nodeName(node));
  }

  public int firstEdge(int node) {
    return firstEdge[node];
  }

  public int edgeEnd(int node) {
    return firstEdge[node + 1];
  }

  public String edgeType(int edge) {
    return meta.edgeTypes().get(edgeType[edge]);
  }

  /** Raw type index of an edge (see {@link SnapshotMeta#edgeTypes()}). */
  public int edgeTypeIndex(int edge) {
    return edgeType[edge];
  }

  /** The edge's name: property or variable name; the index for element and hidden edges. */
  public String edgeName(int edge) {
    int t = edgeType[edge];
    if (t == meta.edgeType("element") || t == meta.edgeType("hidden")) {
      return Integer.toString(edgeName[edge]);
    }
    return string(edgeName[edge]);
  }

  private String string(int index) {
    String s = index < strings.length ? strings[index] : null;
    return s == null ? "" : s;
  }

  /** The node an edge points to. */
  public int edgeTarget(int edge) {
    return edgeTo[edge];
  }

  /** Collects the arrays while the reader streams. */
  private static final class Loader implements SnapshotVisitor {
    SnapshotMeta meta;
    int[] nodeType;
    int[] nodeName;
    int[] selfSize;
    int[] firstEdge;
    int[] edgeType;
    int[] edgeName;
    int[] edgeTo;
    String[] strings = new String[0];
    boolean[] keepNamesOfType;
    int typeField;
    int nameField;
    int sizeField;
    int edgeCountField;
    int edgeTypeField;
    int edgeNameField;
    int edgeToField;
    int element;
    int hidden;
    int nodeFieldCount;
    java.util.BitSet wanted = new java.util.BitSet();

    @Override
    public void meta(SnapshotMeta m) {
      meta = m;
      // Grown as the data arrives (the reader checks the counts), not sized by the declared
      // counts: a tiny hostile file may claim millions of nodes.
      int n = Math.min(m.nodeCount(), HeapSnapshotReader.INITIAL_CAPACITY);
      int e = Math.min(m.edgeCount(), HeapSnapshotReader.INITIAL_CAPACITY);
      nodeType = new int[n];
      nodeName = new int[n];
      selfSize = new int[n];
      firstEdge = new int[n + 1];
      edgeType = new int[e];
      edgeName = new int[e];
      edgeTo = new int[e];
      typeField = m.nodeField("type");
      nameField = m.nodeField("name");
      sizeField = m.nodeField("self_size");
      edgeCountField = m.nodeField("edge_count");
      edgeTypeField = m.edgeField("type");
      edgeNameField = m.edgeField("name_or_index");
      edgeToField = m.edgeField("to_node");
      element = m.edgeType("element");
      hidden = m.edgeType("hidden");
      nodeFieldCount = m.nodeFieldCount();
      keepNamesOfType = new boolean[m.nodeTypes().size()];
      for (int t = 0; t < keepNamesOfType.length; t++) {
        String type = m.nodeTypes().get(t);
        keepNamesOfType[t] = !type.contains("string") && !type.equals("number");
      }
    }

    @Override
    public void node(int ordinal, int[] fields) {
      if (ordinal == nodeType.length) {
        int c = HeapSnapshotReader.grown(ordinal, meta.nodeCount());
        nodeType = Arrays.copyOf(nodeType, c);
        nodeName = Arrays.copyOf(nodeName, c);
        selfSize = Arrays.copyOf(selfSize, c);
        firstEdge = Arrays.copyOf(firstEdge, c + 1);
      }
      nodeType[ordinal] = fields[typeField];
      nodeName[ordinal] = fields[nameField];
      selfSize[ordinal] = fields[sizeField];
      firstEdge[ordinal + 1] = firstEdge[ordinal] + fields[edgeCountField];
      if (keepNamesOfType[fields[typeField]]) {
        wanted.set(fields[nameField]);
      }
    }

    @Override
    public boolean wantsEdges() {
      return true;
    }

    @Override
    public void edge(int ordinal, int fromNode, int[] fields) {
      if (ordinal == edgeTo.length) {
        int c = HeapSnapshotReader.grown(ordinal, meta.edgeCount());
        edgeType = Arrays.copyOf(edgeType, c);
        edgeName = Arrays.copyOf(edgeName, c);
        edgeTo = Arrays.copyOf(edgeTo, c);
      }
      int t = fields[edgeTypeField];
      edgeType[ordinal] = t;
      edgeName[ordinal] = fields[edgeNameField];
      edgeTo[ordinal] = fields[edgeToField] / nodeFieldCount;
      if (t != element && t != hidden) {
        wanted.set(fields[edgeNameField]);
      }
    }

    @Override
    public boolean wantsString(int index) {
      return wanted.get(index);
    }

    @Override
    public void string(int index, String value) {
      if (index >= strings.length) {
        strings = Arrays.copyOf(strings, Math.max(index + 1, strings.length * 2));
      }
      strings[index] = value;
    }
  }
}
