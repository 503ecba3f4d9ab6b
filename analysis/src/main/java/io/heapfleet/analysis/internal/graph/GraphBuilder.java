package io.heapfleet.analysis.internal.graph;

import io.heapfleet.analysis.retainer.GraphTooLargeException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects a heap graph in one streaming pass (objects may arrive in any id order, references may
 * point forward), then {@link #build() builds} the compact {@link HeapGraph}: sorts the ids,
 * resolves every reference to a node index (dangling references, to objects the dump does not hold,
 * are dropped) and lays edges out in CSR form.
 *
 * <p>Memory: the stream buffers (id, class, size and edge count per object, target id per
 * reference) and every array of the build come from the {@link ArrayAllocator}, so they stay on the
 * heap within its budget and spill to memory-mapped temp files beyond it; the build reads the
 * buffers in stream order and overwrites the target ids with node indices in place. What stays on
 * the heap regardless is per class, per root, one bit per object and the id bucket table.
 *
 * <p>Usage: {@link #addClass} for each class first (classes are few), then per object {@link
 * #addObject} or {@link #addClassObject} followed by its {@link #addReference}s, and {@link
 * #addRoot} anywhere. Not thread-safe.
 */
public final class GraphBuilder {
  private final int idSize;
  private final ArrayAllocator allocator;

  private final List<String> classNames = new ArrayList<>();
  private final List<Long> classIds = new ArrayList<>();
  private final List<Long> superIds = new ArrayList<>();

  private final LongChunks objectIds;
  private final IntChunks objectClass;
  private final IntChunks objectShallow;
  private final IntChunks objectEdgeCount;
  private final LongChunks targetIds;
  private int currentEdges = -1;

  private final LongChunks rootIds = new LongChunks();
  private final IntChunks rootKindOrdinals = new IntChunks();

  public GraphBuilder(int idSize, ArrayAllocator allocator) {
    if (idSize != 4 && idSize != 8) {
      throw new IllegalArgumentException("identifier size must be 4 or 8 but was " + idSize);
    }
    this.idSize = idSize;
    this.allocator = allocator;
    this.objectIds = new LongChunks(allocator);
    this.objectClass = new IntChunks(allocator);
    this.objectShallow = new IntChunks(allocator);
    this.objectEdgeCount = new IntChunks(allocator);
    this.targetIds = new LongChunks(allocator);
  }

  /**
   * Declares a class; returns its class index.
   *
   * @param classObjectId the class object's id, 0 for synthetic types such as {@code int[]}
   * @param name the Java name, e.g. {@code java.util.HashMap$Node}
   * @param superClassId the superclass' class object id, 0 if none
   */
  public int addClass(long classObjectId, String name, long superClassId) {
    classNames.add(name);
    classIds.add(classObjectId);
    superIds.add(superClassId);
    return classNames.size() - 1;
  }

  /** The name given to class {@code classIndex}. */
  public String className(int classIndex) {
    return classNames.get(classIndex);
  }

  public int classCount() {
    return classNames.size();
  }

  /** Starts an instance or array; its references follow through {@link #addReference}. */
  public void addObject(long id, int classIndex, long shallowSize) {
    if (classIndex < 0 || classIndex >= classNames.size()) {
      throw new IllegalArgumentException(
          "object 0x" + Long.toHexString(id) + " has unknown class index " + classIndex);
    }
    start(id, classIndex, shallowSize);
  }

  /** Starts the {@code Class} object of a declared class; its static references follow. */
  public void addClassObject(int classIndex, long shallowSize) {
    long id = classIds.get(classIndex);
    if (id == 0) {
      throw new IllegalArgumentException(
          "class " + classNames.get(classIndex) + " is synthetic and has no class object");
    }
    start(id, classIndex | HeapGraph.CLASS_OBJECT_FLAG, shallowSize);
  }

  private void start(long id, int rawClass, long shallowSize) {
    finishObject();
    objectIds.add(id);
    objectClass.add(rawClass);
    // Sizes above 4 GiB (a single array that big) are clamped; they do not occur in practice.
    objectShallow.add((int) Math.min(shallowSize, 0xFFFF_FFFFL));
    currentEdges = 0;
  }

  /** Adds a reference from the current object; 0 (null) is ignored. */
  public void addReference(long targetId) {
    if (targetId == 0) {
      return;
    }
    if (currentEdges < 0) {
      throw new IllegalStateException("addReference before any addObject");
    }
    targetIds.add(targetId);
    currentEdges++;
  }

  /** Marks {@code id} as a GC root (the first kind given for an object wins). */
  public void addRoot(long id, RootKind kind) {
    if (id != 0) {
      rootIds.add(id);
      rootKindOrdinals.add(kind.ordinal());
    }
  }

  private void finishObject() {
    if (currentEdges >= 0) {
      objectEdgeCount.add(currentEdges);
      currentEdges = -1;
    }
  }

  /** Number of objects added so far. */
  public long objectCount() {
    return objectIds.size();
  }

  /** Number of references added so far (before dangling ones are dropped). */
  public long referenceCount() {
    return targetIds.size();
  }

  /** Heap bytes the stream buffers hold so far (the rest, if any, is spilled). */
  public long bufferHeapBytes() {
    return objectIds.heapBytes()
        + objectClass.heapBytes()
        + objectShallow.heapBytes()
        + objectEdgeCount.heapBytes()
        + targetIds.heapBytes();
  }

  /** Builds the graph; the builder must not be used afterwards. */
  public HeapGraph build() {
    finishObject();
    long n = objectIds.size();
    if (n > Integer.MAX_VALUE - 16) {
      throw new GraphTooLargeException(
          "the dump holds " + n + " objects; at most " + (Integer.MAX_VALUE - 16) + " supported");
    }
    // 1. Sorted ids. HotSpot writes objects in address order after the class objects.
    SortedIds sorted = SortedIds.of(objectIds, allocator);
    int unique = sorted.count();
    boolean ascending = sorted.streamOrder();
    ObjectIdIndex index = new ObjectIdIndex(sorted.ids(), unique);

    // 2. Per node: class and shallow size; stream position -> node (identity when ascending).
    IntArray classOf = allocator.ints(unique);
    IntArray shallow = allocator.ints(unique);
    IntArray degree = allocator.ints(unique + 1L);
    IntArray position = ascending ? null : allocator.ints(n);
    BitSet seen = ascending ? null : new BitSet(unique);
    for (long i = 0; i < n; i++) {
      int node = ascending ? (int) i : index.indexOf(objectIds.get(i));
      if (!ascending) {
        if (seen.get(node)) {
          node = -1; // a duplicate id: the first record wins
        } else {
          seen.set(node);
        }
        position.set(i, node);
      }
      if (node >= 0) {
        classOf.set(node, objectClass.get(i));
        shallow.set(node, objectShallow.get(i));
      }
    }
    seen = null;
    objectIds.discard();
    objectClass.discard();
    objectShallow.discard();

    // 3. Resolve references in place (target id -> node, -1 when dangling); count them per node.
    long t = 0;
    for (long i = 0; i < n; i++) {
      int count = objectEdgeCount.get(i);
      int kept = 0;
      for (int k = 0; k < count; k++, t++) {
        int target = index.indexOf(targetIds.get(t));
        targetIds.set(t, target);
        if (target >= 0) {
          kept++;
        }
      }
      int node = ascending ? (int) i : position.get(i);
      if (node >= 0) {
        degree.set(node, kept);
      }
    }

    // 4. CSR: offsets by prefix sum (reusing the degree array), then copy each row into place.
    IntArray offsets = degree;
    long sum = 0;
    for (long i = 0; i < unique; i++) {
      int d = offsets.get(i);
      offsets.set(i, (int) sum);
      sum += d;
      if (sum > Integer.MAX_VALUE - 16) {
        throw new GraphTooLargeException(
            "the dump holds more than "
                + (Integer.MAX_VALUE - 16)
                + " references; at most "
                + (Integer.MAX_VALUE - 16)
                + " supported");
      }
    }
    offsets.set(unique, (int) sum);
    IntArray targets = allocator.ints(sum);
    t = 0;
    for (long i = 0; i < n; i++) {
      int count = objectEdgeCount.get(i);
      int node = ascending ? (int) i : position.get(i);
      if (node >= 0) {
        int dst = offsets.get(node);
        for (int k = 0; k < count; k++) {
          int target = (int) targetIds.get(t + k);
          if (target >= 0) {
            targets.set(dst++, target);
          }
        }
      }
      t += count;
    }
    objectEdgeCount.discard();
    targetIds.discard();
    if (position != null) {
      allocator.release(position);
    }

    // 5. Roots: unique nodes, ascending; every class object is a root too.
    ClassTable classes = buildClassTable();
    Map<Integer, RootKind> roots = new HashMap<>();
    for (long i = 0; i < rootIds.size(); i++) {
      int node = index.indexOf(rootIds.get(i));
      if (node >= 0) {
        roots.putIfAbsent(node, RootKind.values()[rootKindOrdinals.get(i)]);
      }
    }
    for (int c = 0; c < classes.size(); c++) {
      long id = classes.objectId(c);
      int node = id == 0 ? -1 : index.indexOf(id);
      if (node >= 0 && (classOf.get(node) & HeapGraph.CLASS_OBJECT_FLAG) != 0) {
        roots.putIfAbsent(node, RootKind.CLASS);
      }
    }
    int[] rootNodes = roots.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
    RootKind[] rootKinds = new RootKind[rootNodes.length];
    for (int i = 0; i < rootNodes.length; i++) {
      rootKinds[i] = roots.get(rootNodes[i]);
    }
    return new HeapGraph(
        idSize, index, classOf, shallow, offsets, targets, rootNodes, rootKinds, classes,
        allocator);
  }

  private ClassTable buildClassTable() {
    int count = classNames.size();
    Map<Long, Integer> byId = new HashMap<>();
    long[] ids = new long[count];
    for (int i = 0; i < count; i++) {
      ids[i] = classIds.get(i);
      if (ids[i] != 0) {
        byId.putIfAbsent(ids[i], i);
      }
    }
    int[] supers = new int[count];
    for (int i = 0; i < count; i++) {
      long superId = superIds.get(i);
      supers[i] = superId == 0 ? -1 : byId.getOrDefault(superId, -1);
    }
    return new ClassTable(classNames, ids, supers);
  }
}
