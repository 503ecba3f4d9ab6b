package io.heapfleet.analysis.internal.graph;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds small hand-made heap graphs for tests: named objects with sizes, references, roots. Object
 * {@code name} gets id {@code 0x1000 + 8 * declarationIndex} unless {@link #ids} says otherwise,
 * and its class is named after the part of its name before a digit ("Node2" → Node).
 */
public final class TestGraph {
  private final Map<String, Long> sizes = new LinkedHashMap<>();
  private final Map<String, List<String>> refs = new LinkedHashMap<>();
  private final List<String> roots = new ArrayList<>();
  private final Map<String, Long> ids = new LinkedHashMap<>();

  public TestGraph object(String name, long size, String... references) {
    sizes.put(name, size);
    refs.put(name, List.of(references));
    return this;
  }

  public TestGraph root(String... names) {
    roots.addAll(List.of(names));
    return this;
  }

  /** Gives an object an explicit id (to test unsorted or dangling ids). */
  public TestGraph id(String name, long id) {
    ids.put(name, id);
    return this;
  }

  public long idOf(String name) {
    Long explicit = ids.get(name);
    if (explicit != null) {
      return explicit;
    }
    int i = new ArrayList<>(sizes.keySet()).indexOf(name);
    return i < 0 ? 0xDEAD_0000L + name.hashCode() : 0x1000 + 8L * i;
  }

  public HeapGraph build() {
    return build(ArrayAllocator.onHeap());
  }

  public HeapGraph build(ArrayAllocator allocator) {
    GraphBuilder b = new GraphBuilder(8, allocator);
    Map<String, Integer> classes = new LinkedHashMap<>();
    for (String name : sizes.keySet()) {
      String cls = name.replaceAll("[0-9]+$", "");
      classes.computeIfAbsent(cls, c -> b.addClass(0, c, 0));
    }
    for (var e : sizes.entrySet()) {
      String cls = e.getKey().replaceAll("[0-9]+$", "");
      b.addObject(idOf(e.getKey()), classes.get(cls), e.getValue());
      for (String target : refs.get(e.getKey())) {
        b.addReference(idOf(target));
      }
    }
    for (String r : roots) {
      b.addRoot(idOf(r), RootKind.JNI_GLOBAL);
    }
    return b.build();
  }

  public int node(HeapGraph g, String name) {
    return g.indexOf(idOf(name));
  }
}
