package io.heapfleet.analysis.internal.graph;

import java.util.Arrays;

/**
 * The object graph of one heap dump in compact primitive arrays, in the spirit of Shark's {@code
 * HprofInMemoryIndex}: no Java object per heap object. Node {@code i} (dense, {@code
 * 0..objectCount-1}, ordered by object id) has a class index, a shallow size, and outgoing
 * references in CSR form ({@code targets[offsets[i] .. offsets[i+1])}). Class objects are nodes
 * too; their outgoing references are their static fields. Edge labels (field names, array indices)
 * are not stored: they are recovered for the few edges on a rendered path by {@code
 * io.heapfleet.analysis.retainer.EdgeLabels}.
 *
 * <p>Cost: 8 (id) + 4 (class) + 4 (shallow size) + 4 (edge offset) bytes per object plus 4 bytes
 * per non-null reference, plus ~0.25 bytes per object for the id bucket table.
 *
 * <p>Immutable once built; thread-safe for reads. {@link #close()} deletes spilled temp files.
 */
public final class HeapGraph implements AutoCloseable {
  /** Flag in {@link #classOf(int)}'s raw value: this node is the {@code Class} object itself. */
  static final int CLASS_OBJECT_FLAG = 0x8000_0000;

  private final int idSize;
  private final ObjectIdIndex ids;
  private final IntArray classOf;
  private final IntArray shallow;
  private final IntArray offsets;
  private final IntArray targets;
  private final int[] rootNodes;
  private final RootKind[] rootKinds;
  private final ClassTable classes;
  private final ArrayAllocator allocator;

  HeapGraph(
      int idSize,
      ObjectIdIndex ids,
      IntArray classOf,
      IntArray shallow,
      IntArray offsets,
      IntArray targets,
      int[] rootNodes,
      RootKind[] rootKinds,
      ClassTable classes,
      ArrayAllocator allocator) {
    this.idSize = idSize;
    this.ids = ids;
    this.classOf = classOf;
    this.shallow = shallow;
    this.offsets = offsets;
    this.targets = targets;
    this.rootNodes = rootNodes;
    this.rootKinds = rootKinds;
    this.classes = classes;
    this.allocator = allocator;
  }

  /** Identifier size of the dump (4 or 8). */
  public int idSize() {
    return idSize;
  }

  public int objectCount() {
    return (int) ids.size();
  }

  public long edgeCount() {
    return targets.length();
  }

  public ClassTable classes() {
    return classes;
  }

  /** The dump id of a node. */
  public long id(int node) {
    return ids.id(node);
  }

  /** The node of a dump id, or -1. */
  public int indexOf(long id) {
    return ids.indexOf(id);
  }

  /**
   * The class index of the node's type: the instance's class, the array's type ({@code byte[]}), or
   * for a {@code Class} object the class it describes (see {@link #isClassObject(int)}).
   */
  public int classOf(int node) {
    return classOf.get(node) & ~CLASS_OBJECT_FLAG;
  }

  /** True if this node is a {@code Class} object (its references are its static fields). */
  public boolean isClassObject(int node) {
    return (classOf.get(node) & CLASS_OBJECT_FLAG) != 0;
  }

  public long shallowSize(int node) {
    return shallow.get(node) & 0xFFFF_FFFFL;
  }

  /** Sets a node's shallow size (the loader does, once the dump's size model is known). */
  void setShallowSize(int node, long size) {
    shallow.set(node, (int) Math.min(size, 0xFFFF_FFFFL));
  }

  /** First edge index of {@code node}; its edges are {@code [edgeStart(n), edgeStart(n+1))}. */
  public int edgeStart(int node) {
    return offsets.get(node);
  }

  public int edgeEnd(int node) {
    return offsets.get(node + 1L);
  }

  /** The target node of an edge. */
  public int edgeTarget(int edge) {
    return targets.get(edge);
  }

  /** GC root nodes (unique, ascending), including every class object (kind {@code CLASS}). */
  public int[] roots() {
    return rootNodes.clone();
  }

  /** Number of GC root nodes. */
  public int rootCount() {
    return rootNodes.length;
  }

  /** The {@code i}-th root node (ascending). */
  public int root(int i) {
    return rootNodes[i];
  }

  /** Why {@code node} is a root, or null if it is not one. */
  public RootKind rootKind(int node) {
    int i = Arrays.binarySearch(rootNodes, node);
    return i < 0 ? null : rootKinds[i];
  }

  /** The allocator that holds this graph's arrays; analyses allocate theirs from it too. */
  public ArrayAllocator allocator() {
    return allocator;
  }

  /** Bytes this graph occupies (on the heap and spilled), for reports and tests. */
  public long footprintBytes() {
    long n = ids.size();
    return n * 8 + n * 4 + n * 4 + (n + 1) * 4 + targets.length() * 4 + ids.bucketBytes();
  }

  @Override
  public void close() {
    allocator.close();
  }
}
