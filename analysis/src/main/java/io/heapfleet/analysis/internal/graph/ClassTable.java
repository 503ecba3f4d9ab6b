package io.heapfleet.analysis.internal.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The classes of a heap graph: one small entry per class (there are thousands, not millions, so
 * plain Java objects are fine here). Class index {@code i} is what {@link HeapGraph#classOf(int)}
 * returns.
 *
 * <p>Immutable once built; thread-safe.
 */
public final class ClassTable {
  private final String[] names;
  private final long[] objectIds;
  private final int[] superIndex;

  ClassTable(List<String> names, long[] objectIds, int[] superIndex) {
    this.names = names.toArray(new String[0]);
    this.objectIds = objectIds;
    this.superIndex = superIndex;
  }

  public int size() {
    return names.length;
  }

  /** The Java name, e.g. {@code java.util.HashMap$Node[]}. */
  public String name(int classIndex) {
    return names[classIndex];
  }

  /** The class object's id in the dump, 0 for synthetic classes such as {@code byte[]}. */
  public long objectId(int classIndex) {
    return objectIds[classIndex];
  }

  /** The superclass' index, or -1. */
  public int superIndex(int classIndex) {
    return superIndex[classIndex];
  }

  /** The first class with this name, or -1. */
  public int indexOf(String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** All class indices with this name (a name can be loaded by several class loaders). */
  public int[] indicesOf(String name) {
    List<Integer> found = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        found.add(i);
      }
    }
    return found.stream().mapToInt(Integer::intValue).toArray();
  }

  /** True if {@code classIndex} is {@code ancestorIndex} or one of its subclasses. */
  public boolean isSubclassOf(int classIndex, int ancestorIndex) {
    for (int c = classIndex; c >= 0; c = superIndex[c]) {
      if (c == ancestorIndex) {
        return true;
      }
    }
    return false;
  }

  /** True if the name is an array type ({@code byte[]}, {@code java.lang.Object[]}). */
  public boolean isArray(int classIndex) {
    return names[classIndex].endsWith("[]");
  }

  @Override
  public String toString() {
    return "ClassTable" + Arrays.toString(names);
  }
}
