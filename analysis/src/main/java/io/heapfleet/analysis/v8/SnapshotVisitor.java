package io.heapfleet.analysis.v8;

/**
 * Receives a V8 heap snapshot from {@link HeapSnapshotReader} as it streams by: the layout first,
 * then every node, every edge (with the node it leaves), then the strings the visitor asks for.
 * Values are raw: unsigned 32-bit numbers in {@code int}s, positions as {@link SnapshotMeta} says.
 * The arrays passed in are reused: copy what you keep.
 */
interface SnapshotVisitor {
  /** The snapshot's declared layout and counts, before any node. */
  void meta(SnapshotMeta meta) throws HeapSnapshotFormatException;

  /** Node number {@code ordinal} (0-based); {@code fields} holds its values in meta order. */
  void node(int ordinal, int[] fields);

  /** Whether {@link #edge} should be called; the edges are checked either way. */
  default boolean wantsEdges() {
    return false;
  }

  /** Edge number {@code ordinal}, leaving node {@code fromNode} (an ordinal). */
  default void edge(int ordinal, int fromNode, int[] fields) {}

  /** Whether the string at {@code index} of the {@code strings} section is needed. */
  boolean wantsString(int index);

  /** The string at {@code index}, if {@link #wantsString} said so. */
  void string(int index, String value);
}
