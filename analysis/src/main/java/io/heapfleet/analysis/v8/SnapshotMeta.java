package io.heapfleet.analysis.v8;

import java.util.List;
import java.util.Map;

/**
 * The layout a V8 heap snapshot declares in {@code snapshot.meta}: which position of a node's and
 * an edge's record holds which field, the names of the node and edge types, and the counts from
 * {@code snapshot.node_count} / {@code edge_count}. Read from every snapshot, never assumed.
 * Immutable.
 *
 * @param nodeFields field names of a node record, in order (Node 20: type, name, id, self_size,
 *     edge_count, trace_node_id, detachedness)
 * @param nodeTypes names of the node types ({@code hidden}, {@code array}, {@code string}, {@code
 *     object}, ...), indexed by a node's type value
 * @param edgeFields field names of an edge record (type, name_or_index, to_node)
 * @param edgeTypes names of the edge types ({@code context}, {@code element}, {@code property},
 *     {@code internal}, {@code hidden}, {@code shortcut}, {@code weak})
 * @param nodeCount nodes the snapshot says it holds
 * @param edgeCount edges the snapshot says it holds
 */
record SnapshotMeta(
    List<String> nodeFields,
    List<String> nodeTypes,
    List<String> edgeFields,
    List<String> edgeTypes,
    int nodeCount,
    int edgeCount) {

  public SnapshotMeta {
    nodeFields = List.copyOf(nodeFields);
    nodeTypes = List.copyOf(nodeTypes);
    edgeFields = List.copyOf(edgeFields);
    edgeTypes = List.copyOf(edgeTypes);
  }

  /** Values per node record. */
  public int nodeFieldCount() {
    return nodeFields.size();
  }

  /** Values per edge record. */
  public int edgeFieldCount() {
    return edgeFields.size();
  }

  /** Position of a node field, or -1. */
  public int nodeField(String name) {
    return nodeFields.indexOf(name);
  }

  /** Position of an edge field, or -1. */
  public int edgeField(String name) {
    return edgeFields.indexOf(name);
  }

  /** Index of a node type name, or -1. */
  public int nodeType(String name) {
    return nodeTypes.indexOf(name);
  }

  /** Index of an edge type name, or -1. */
  public int edgeType(String name) {
    return edgeTypes.indexOf(name);
  }

  /**
   * The meta of a parsed {@code "snapshot"} object, checked: every field the analysis needs is
   * declared, the type lists are lists of names, the counts are within {@code limits}.
   */
  static SnapshotMeta parse(Object snapshot, SnapshotLimits limits, JsonTokenizer at)
      throws HeapSnapshotFormatException {
    Map<?, ?> s = object(snapshot, "\"snapshot\"", at);
    Map<?, ?> meta = object(s.get("meta"), "\"snapshot.meta\"", at);
    List<String> nodeFields = names(meta.get("node_fields"), "snapshot.meta.node_fields", at);
    List<String> edgeFields = names(meta.get("edge_fields"), "snapshot.meta.edge_fields", at);
    for (String f : List.of("type", "name", "id", "self_size", "edge_count")) {
      if (!nodeFields.contains(f)) {
        throw at.error("snapshot.meta.node_fields " + nodeFields + " has no \"" + f + "\"");
      }
    }
    for (String f : List.of("type", "name_or_index", "to_node")) {
      if (!edgeFields.contains(f)) {
        throw at.error("snapshot.meta.edge_fields " + edgeFields + " has no \"" + f + "\"");
      }
    }
    List<String> nodeTypes =
        typeNames(meta.get("node_types"), nodeFields.indexOf("type"), "node_types", at);
    List<String> edgeTypes =
        typeNames(meta.get("edge_types"), edgeFields.indexOf("type"), "edge_types", at);
    long nodeCount = count(s.get("node_count"), "snapshot.node_count", limits.maxNodes(), at);
    long edgeCount = count(s.get("edge_count"), "snapshot.edge_count", limits.maxEdges(), at);
    if (nodeCount * nodeFields.size() > Integer.MAX_VALUE - 8
        || edgeCount * edgeFields.size() > Integer.MAX_VALUE - 8) {
      throw at.error(
          "snapshot.node_count "
              + nodeCount
              + " / edge_count "
              + edgeCount
              + " do not fit the reader's arrays");
    }
    return new SnapshotMeta(
        nodeFields, nodeTypes, edgeFields, edgeTypes, (int) nodeCount, (int) edgeCount);
  }

  private static Map<?, ?> object(Object o, String what, JsonTokenizer at)
      throws HeapSnapshotFormatException {
    if (o instanceof Map<?, ?> m) {
      return m;
    }
    throw at.error(what + " must be a JSON object");
  }

  private static List<String> names(Object o, String what, JsonTokenizer at)
      throws HeapSnapshotFormatException {
    if (!(o instanceof List<?> l) || l.isEmpty()) {
      throw at.error(what + " must be a non-empty array of names");
    }
    for (Object e : l) {
      if (!(e instanceof String)) {
        throw at.error(what + " must be an array of names, but holds " + e);
      }
    }
    return l.stream().map(String.class::cast).toList();
  }

  /** {@code node_types[typeField]} / {@code edge_types[typeField]}: the list of type names. */
  private static List<String> typeNames(Object o, int typeField, String what, JsonTokenizer at)
      throws HeapSnapshotFormatException {
    if (!(o instanceof List<?> l) || l.size() <= typeField) {
      throw at.error("snapshot.meta." + what + " must be an array with an entry per field");
    }
    return names(l.get(typeField), "snapshot.meta." + what + "[" + typeField + "]", at);
  }

  private static long count(Object o, String what, long max, JsonTokenizer at)
      throws HeapSnapshotFormatException {
    if (!(o instanceof Long n) || n < 0) {
      throw at.error(what + " must be a non-negative integer, not " + o);
    }
    if (n > max) {
      throw at.error(what + " " + n + " is over the reader's limit of " + max);
    }
    return n;
  }
}
