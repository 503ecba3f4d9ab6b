package io.heapfleet.analysis.v8;

import io.heapfleet.analysis.internal.dominator.DominatorTree;
import io.heapfleet.analysis.retainer.OwnerReport;
import io.heapfleet.analysis.retainer.SuspectReport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who holds a suspect group's objects in a V8 heap: the owner of an instance is its nearest
 * dominator that is a named JavaScript object (an {@code object} or {@code native} node that is not
 * V8's own {@code system / ...} plumbing, not the suspect group itself) — the {@code Map} of a
 * memoize cache, the {@code Array} of a global list, the object that keeps listener or callback
 * closures. Closures, contexts, arrays and V8's hidden nodes in between are what the owner is made
 * of, not what to fix. The owner is named with what holds it, from the shortest retainer path:
 * {@code Map held by closure memoized (context variable cache)}, {@code Array held by global
 * (property auditLog)}.
 *
 * <p>Retainer paths follow the same edges as the dominator tree (no weak edges; shortcuts only from
 * the root), found once by a breadth-first search from the root that visits the global objects
 * before V8's internal roots (as DevTools prefers paths from its "user roots"), so a path through
 * the program's own variables wins over an equally short one through handles. The attribution, the
 * naming and the paths share the search and the reverse edges, hence one class. Not thread-safe.
 */
final class V8Owners {
  private static final int MAX_PATH_STEPS = 40;

  private final V8Graph g;
  private final DominatorTree tree;
  private final int[] parentEdge; // edge by which BFS first reached the node, -1 for none
  private final int[] edgeSource; // node -> its BFS parent node, -1 for none
  private final Map<Integer, String> descriptions = new HashMap<>();
  private final Map<String, Integer> classIds = new HashMap<>();
  private final int[] nodeClass; // node -> index of its Summary group
  private int[] incomingStart;
  private int[] incoming;
  private int[] incomingFrom;

  V8Owners(V8Graph g, DominatorTree tree) {
    this.g = g;
    this.tree = tree;
    int n = g.nodeCount();
    parentEdge = new int[n];
    edgeSource = new int[n]; // node -> its BFS parent node
    nodeClass = new int[n];
    for (int v = 0; v < n; v++) {
      nodeClass[v] = classIds.computeIfAbsent(g.className(v), k -> classIds.size());
    }
    java.util.Arrays.fill(parentEdge, -1);
    java.util.Arrays.fill(edgeSource, -1);
    if (n == 0) {
      return;
    }
    int weak = g.meta().edgeType("weak");
    int shortcut = g.meta().edgeType("shortcut");
    int[] queue = new int[n];
    int head = 0;
    int tail = 0;
    edgeSource[0] = 0;
    // The root's shortcut edges lead to the global objects: search from them first.
    for (int e = g.firstEdge(0), end = g.edgeEnd(0); e < end; e++) {
      int w = g.edgeTarget(e);
      if (g.edgeTypeIndex(e) == shortcut && edgeSource[w] == -1) {
        edgeSource[w] = 0;
        parentEdge[w] = e;
        queue[tail++] = w;
      }
    }
    queue[tail++] = 0;
    while (head < tail) {
      int v = queue[head++];
      for (int e = g.firstEdge(v), end = g.edgeEnd(v); e < end; e++) {
        int w = g.edgeTarget(e);
        if (edgeSource[w] == -1 && V8DeepAnalysis.essential(g, v, e, weak, shortcut)) {
          edgeSource[w] = v;
          parentEdge[w] = e;
          queue[tail++] = w;
        }
      }
    }
  }

  /** The owners of the objects of Summary group {@code className}, biggest first. */
  SuspectReport report(String className, int maxOwners) {
    Map<Integer, long[]> byOwner =
        new LinkedHashMap<>(); // owner node -> {instances, retained, biggest, biggestRetained}
    long instances = 0;
    long retained = 0;
    int suspect = classIds.getOrDefault(className, -1);
    for (int n = 0; n < g.nodeCount(); n++) {
      if (nodeClass[n] != suspect || !tree.isReachable(n)) {
        continue;
      }
      instances++;
      int owner = -1;
      boolean nested = false;
      int steps = 0;
      for (int d = tree.immediateDominator(n);
          d >= 0 && steps < 100_000;
          d = tree.immediateDominator(d), steps++) {
        if (nodeClass[d] == suspect) {
          nested = true; // counted with the instance that dominates it
        } else if (owner == -1 && isOwner(d)) {
          owner = d;
        }
        if (owner != -1 && nested) {
          break;
        }
      }
      if (nested) {
        continue;
      }
      long r = tree.retainedSize(n);
      retained += r;
      long[] acc = byOwner.computeIfAbsent(owner, k -> new long[] {0, 0, -1, -1});
      acc[0]++;
      acc[1] += r;
      if (r > acc[3]) {
        acc[2] = n;
        acc[3] = r;
      }
    }
    // Owners named alike (many closures' objects of one class) are one line.
    Map<String, long[]> lines =
        new LinkedHashMap<>(); // {owners, instances, retained, ownerRetained, biggest,
    // biggestRetained}
    Map<String, List<String>> paths = new LinkedHashMap<>();
    for (Map.Entry<Integer, long[]> e : byOwner.entrySet()) {
      int owner = e.getKey();
      long[] acc = e.getValue();
      String name = owner < 0 ? null : descriptions.computeIfAbsent(owner, this::describe);
      String key = String.valueOf(name);
      long[] line = lines.computeIfAbsent(key, k -> new long[] {0, 0, 0, 0, -1, -1});
      line[0]++;
      line[1] += acc[0];
      line[2] += acc[1];
      line[3] += owner < 0 ? 0 : tree.retainedSize(owner);
      if (acc[3] > line[5]) {
        line[4] = acc[2];
        line[5] = acc[3];
        paths.put(key, path((int) acc[2]));
      }
    }
    List<OwnerReport> owners = new ArrayList<>();
    for (Map.Entry<String, long[]> e : lines.entrySet()) {
      long[] l = e.getValue();
      String name = e.getKey().equals("null") ? null : e.getKey();
      owners.add(new OwnerReport(name, false, l[0], l[1], l[2], l[3], paths.get(e.getKey())));
    }
    owners.sort(Comparator.comparingLong(OwnerReport::suspectRetainedBytes).reversed());
    return new SuspectReport(
        className, instances, retained, owners.subList(0, Math.min(maxOwners, owners.size())));
  }

  /** A named JavaScript object: what a person holds and can let go. */
  private boolean isOwner(int node) {
    String type = g.nodeType(node);
    if (!type.equals("object") && !type.equals("native")) {
      return false;
    }
    String name = g.nodeName(node);
    return !name.isEmpty() && !name.startsWith("system /");
  }

  /** A node a person recognises on a path: a named object or a function. */
  private boolean isNamedHolder(int node) {
    return isOwner(node) || g.nodeType(node).equals("closure");
  }

  /**
   * "{@code Map held by closure memoized (context variable cache)}": the owner, the nearest named
   * object or function before it on its retainer path, and the references from that holder to the
   * owner. A plain {@code Object} holder (a dictionary such as an emitter's {@code _events}) is
   * looked through, up to a few levels, so the holder is the object a person knows: {@code Array
   * held by EventEmitter (property _events.config-changed)}.
   */
  String describe(int owner) {
    String direct = describeByVariableOrProperty(owner);
    if (direct != null) {
      return direct;
    }
    java.util.ArrayDeque<Integer> via = new java.util.ArrayDeque<>(); // holder first
    int holder = -1;
    int plainObjects = 0;
    int steps = 0;
    for (int n = owner; n != 0 && parentEdge[n] >= 0 && steps < 10_000; steps++) {
      int e = parentEdge[n];
      int from = edgeSource[n];
      String t = g.edgeType(e);
      if (t.equals("context") || t.equals("property") || t.equals("element")) {
        via.addFirst(e);
      }
      if (isNamedHolder(from)) {
        boolean plain = g.nodeType(from).equals("object") && g.nodeName(from).equals("Object");
        if (!plain || ++plainObjects > 3) {
          holder = from;
          break;
        }
      }
      n = from;
    }
    StringBuilder b = new StringBuilder(label(owner));
    b.append(" held by ").append(holder >= 0 ? label(holder) : "a GC root");
    if (!via.isEmpty()) {
      b.append(" (").append(references(new ArrayList<>(via))).append(')');
    }
    return b.toString();
  }

  /**
   * The owner named by a reference a programmer wrote, whatever the shortest path: a property of a
   * named, non-plain object ({@code held by global (property auditLog)}), else a closure's variable
   * ({@code held by closure memoized (context variable cache)}); null when it has neither. A cache
   * often has a shorter path through V8's stack roots (optimised code embeds it), which says
   * nothing to a person.
   */
  private String describeByVariableOrProperty(int owner) {
    int contextEdge = -1;
    int contextNode = -1;
    for (int i = incomingStart()[owner], end = incomingStart()[owner + 1]; i < end; i++) {
      int e = incoming[i];
      int v = incomingFrom[i];
      String t = g.edgeType(e);
      if (t.equals("property") && isOwner(v) && !g.nodeName(v).equals("Object")) {
        return label(owner) + " held by " + label(v) + " (" + references(List.of(e)) + ")";
      }
      if (t.equals("context") && contextEdge < 0 && g.nodeName(v).startsWith("system / Context")) {
        contextEdge = e;
        contextNode = v;
      }
    }
    if (contextEdge < 0) {
      return null;
    }
    int closure = closureOf(contextNode);
    return label(owner)
        + " held by "
        + (closure >= 0 ? label(closure) : "a function's scope")
        + " ("
        + references(List.of(contextEdge))
        + ")";
  }

  /** A closure whose scope is {@code context} (its internal {@code context} edge), or -1. */
  private int closureOf(int context) {
    for (int i = incomingStart()[context], end = incomingStart()[context + 1]; i < end; i++) {
      int v = incomingFrom[i];
      if (g.nodeType(v).equals("closure") && g.edgeName(incoming[i]).equals("context")) {
        return v;
      }
    }
    return -1;
  }

  /**
   * The essential edges into each node, in CSR form ({@code incoming[incomingStart[n] ..
   * incomingStart[n + 1])}, with their sources), built on first use: 8 bytes per edge.
   */
  private int[] incomingStart() {
    if (incomingStart != null) {
      return incomingStart;
    }
    int weak = g.meta().edgeType("weak");
    int shortcut = g.meta().edgeType("shortcut");
    int n = g.nodeCount();
    int[] start = new int[n + 1];
    for (int v = 0; v < n; v++) {
      for (int e = g.firstEdge(v), end = g.edgeEnd(v); e < end; e++) {
        if (V8DeepAnalysis.essential(g, v, e, weak, shortcut)) {
          start[g.edgeTarget(e) + 1]++;
        }
      }
    }
    for (int i = 0; i < n; i++) {
      start[i + 1] += start[i];
    }
    int[] cursor = java.util.Arrays.copyOf(start, n);
    incoming = new int[start[n]];
    incomingFrom = new int[start[n]];
    for (int v = 0; v < n; v++) {
      for (int e = g.firstEdge(v), end = g.edgeEnd(v); e < end; e++) {
        if (V8DeepAnalysis.essential(g, v, e, weak, shortcut)) {
          int at = cursor[g.edgeTarget(e)]++;
          incoming[at] = e;
          incomingFrom[at] = v;
        }
      }
    }
    incomingStart = start;
    return start;
  }

  /**
   * {@code context variable cache}, {@code property _events.config-changed}, {@code element [3]}.
   */
  private String references(List<Integer> edges) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < edges.size(); i++) {
      int e = edges.get(i);
      String t = g.edgeType(e);
      String name = g.edgeName(e);
      if (i == 0) {
        b.append(
            t.equals("context")
                ? "context variable "
                : t.equals("element") ? "element " : "property ");
      }
      if (t.equals("element")) {
        b.append('[').append(name).append(']');
      } else {
        b.append(i == 0 ? "" : ".").append(name);
      }
    }
    return b.toString();
  }

  /** The shortest retainer path from the root to {@code node}: one step per edge, then the node. */
  List<String> path(int node) {
    List<Integer> edges = new ArrayList<>();
    for (int n = node; n != 0 && parentEdge[n] >= 0 && edges.size() < 10_000; n = edgeSource[n]) {
      edges.add(parentEdge[n]);
    }
    List<String> steps = new ArrayList<>();
    for (int i = edges.size() - 1; i >= 0; i--) {
      int e = edges.get(i);
      int from = i == edges.size() - 1 ? 0 : g.edgeTarget(edges.get(i + 1));
      steps.add(label(from) + " " + edgeStep(e));
    }
    steps.add(label(node));
    if (steps.size() > MAX_PATH_STEPS) {
      List<String> cut = new ArrayList<>(steps.subList(0, 5));
      cut.add("… " + (steps.size() - MAX_PATH_STEPS + 5) + " more steps …");
      cut.addAll(steps.subList(steps.size() - (MAX_PATH_STEPS - 6), steps.size()));
      return cut;
    }
    return steps;
  }

  /** How a person names a node: {@code Map}, {@code closure memoized}, {@code (GC roots)}. */
  String label(int node) {
    if (node == 0) {
      return "(root)";
    }
    String type = g.nodeType(node);
    String name = g.nodeName(node);
    return switch (type) {
      case "closure" -> "closure " + (name.isEmpty() ? "(anonymous)" : name);
      case "object", "native", "synthetic" -> name.isEmpty() ? "(" + type + ")" : name;
      default ->
          name.isEmpty() ? V8ClassNames.typeGroup(type) : V8ClassNames.typeGroup(type) + " " + name;
    };
  }

  /** An edge as a path step after its source's label: {@code .cache}, {@code [3]}. */
  private String edgeStep(int edge) {
    String name = g.edgeName(edge);
    return switch (g.edgeType(edge)) {
      case "context" -> "(context variable " + name + ")";
      case "property" -> "." + name;
      case "element" -> "[" + name + "]";
      default -> "(" + g.edgeType(edge) + " " + name + ")";
    };
  }
}
