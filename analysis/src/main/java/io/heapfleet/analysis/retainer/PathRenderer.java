package io.heapfleet.analysis.retainer;

import io.heapfleet.analysis.hprof.BasicType;
import io.heapfleet.analysis.internal.graph.ClassTable;
import io.heapfleet.analysis.internal.graph.DumpSchema;
import io.heapfleet.analysis.internal.graph.HeapGraph;
import io.heapfleet.analysis.internal.graph.RootKind;
import io.heapfleet.analysis.internal.util.LongObjectMap;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns paths of graph nodes into readable retainer paths with field names and array indices, e.g.
 * {@code static com.acme.cart.CartStore.CARTS → java.util.HashMap.table →
 * java.util.HashMap$Node[][3] → java.util.HashMap$Node.value → com.acme.cart.Cart.payload →
 * byte[]}. The labels are recovered by reading the few objects on the paths back from the dump
 * ({@link DumpObjects}); threads are named by their {@code name} field. Not thread-safe.
 */
final class PathRenderer {
  private final HeapGraph graph;
  private final DumpSchema schema;
  private final Path dump;
  private final int threadClass;
  private LongObjectMap<DumpObjects.Contents> contents = new LongObjectMap<>(16);
  private final LongObjectMap<String> threadNames = new LongObjectMap<>(16);

  PathRenderer(HeapGraph graph, DumpSchema schema, Path dump) {
    this.graph = graph;
    this.schema = schema;
    this.dump = dump;
    this.threadClass = graph.classes().indexOf("java.lang.Thread");
  }

  /** Reads what the given paths need from the dump (one to three passes, only if needed). */
  void prepare(List<List<Integer>> paths, Set<Integer> extraNodes) throws IOException {
    Set<Long> ids = new HashSet<>();
    Set<Integer> threads = new HashSet<>();
    for (List<Integer> path : paths) {
      for (int i = 0; i < path.size(); i++) {
        int node = path.get(i);
        if (i < path.size() - 1 && !graph.isClassObject(node)) {
          ids.add(graph.id(node));
        }
        if (isThread(node)) {
          threads.add(node);
        }
      }
    }
    for (int node : extraNodes) {
      if (isThread(node)) {
        threads.add(node);
      }
    }
    for (int t : threads) {
      ids.add(graph.id(t));
    }
    if (ids.isEmpty() || dump == null) {
      return;
    }
    contents = DumpObjects.read(dump, ids);
    if (threads.isEmpty()) {
      return;
    }
    // Thread -> name String -> its value array: two more small passes.
    LongObjectMap<Long> nameOf = new LongObjectMap<>(16);
    Set<Long> strings = new HashSet<>();
    for (int t : threads) {
      long s = field(graph.id(t), "name");
      if (s != 0) {
        nameOf.put(graph.id(t), s);
        strings.add(s);
      }
    }
    if (strings.isEmpty()) {
      return;
    }
    LongObjectMap<DumpObjects.Contents> stringContents = DumpObjects.read(dump, strings);
    Set<Long> values = new HashSet<>();
    LongObjectMap<long[]> valueAndCoder = new LongObjectMap<>(16);
    for (long s : strings) {
      long[] vc = {
        fieldOf(stringContents.get(s), "value"), fieldOf(stringContents.get(s), "coder")
      };
      valueAndCoder.put(s, vc);
      if (vc[0] != 0) {
        values.add(vc[0]);
      }
    }
    LongObjectMap<DumpObjects.Contents> arrays = DumpObjects.read(dump, values);
    for (int t : threads) {
      Long s = nameOf.get(graph.id(t));
      if (s == null) {
        continue;
      }
      long[] vc = valueAndCoder.get(s);
      if (arrays.get(vc[0]) instanceof DumpObjects.PrimitiveArray a) {
        threadNames.put(graph.id(t), decode(a, vc[1]));
      }
    }
  }

  private static String decode(DumpObjects.PrimitiveArray a, long coder) {
    if (a.type() == BasicType.CHAR) {
      return new String(a.bytes(), StandardCharsets.UTF_16BE);
    }
    if (coder == 0) {
      return new String(a.bytes(), StandardCharsets.ISO_8859_1);
    }
    // Compact strings' UTF16 byte[] holds chars in the dumping JVM's native order (x86: LE).
    return new String(a.bytes(), StandardCharsets.UTF_16LE);
  }

  private boolean isThread(int node) {
    return threadClass >= 0
        && !graph.isClassObject(node)
        && graph.classes().isSubclassOf(graph.classOf(node), threadClass);
  }

  /** The readable steps of a path (root first). */
  List<String> render(List<Integer> path) {
    List<String> steps = new ArrayList<>();
    for (int i = 0; i < path.size(); i++) {
      int node = path.get(i);
      if (i == path.size() - 1) {
        if (i == 0 || !graph.isClassObject(node)) {
          steps.add(rootPrefix(node, i) + describe(node));
        }
        break;
      }
      int next = path.get(i + 1);
      steps.add(rootPrefix(node, i) + edge(node, next));
    }
    return steps;
  }

  private String rootPrefix(int node, int position) {
    if (position != 0 || graph.isClassObject(node)) {
      return "";
    }
    RootKind kind = graph.rootKind(node);
    return kind == null ? "" : "(" + kind.label() + ") ";
  }

  /** {@code com.acme.Cart}, {@code java.lang.Thread "worker-1"}, {@code class com.acme.X}. */
  String describe(int node) {
    ClassTable classes = graph.classes();
    String name = classes.name(graph.classOf(node));
    if (graph.isClassObject(node)) {
      return "class " + name;
    }
    String threadName = threadNames.get(graph.id(node));
    return threadName == null ? name : name + " \"" + threadName + "\"";
  }

  private String edge(int from, int to) {
    long target = graph.id(to);
    String cls = graph.classes().name(graph.classOf(from));
    if (graph.isClassObject(from)) {
      for (DumpSchema.Field f : schema.staticFields(graph.classOf(from))) {
        if (f.type() == BasicType.OBJECT && f.value() == target) {
          return "static " + cls + "." + f.name();
        }
      }
      return "static " + cls + ".?";
    }
    DumpObjects.Contents c = contents.get(graph.id(from));
    if (c instanceof DumpObjects.ObjectArray a) {
      for (int i = 0; i < a.elements().length; i++) {
        if (a.elements()[i] == target) {
          return cls + "[" + i + "]";
        }
      }
    } else if (c instanceof DumpObjects.Instance in) {
      String field = fieldPointingTo(graph.classOf(from), in.fields(), target);
      if (field != null) {
        return describe(from) + "." + field;
      }
    }
    return describe(from) + (graph.classes().isArray(graph.classOf(from)) ? "[?]" : ".?");
  }

  /** The value of an object field of a fetched instance, or 0. */
  private long field(long id, String name) {
    return fieldOf(contents.get(id), name);
  }

  private long fieldOf(DumpObjects.Contents c, String name) {
    if (!(c instanceof DumpObjects.Instance in)) {
      return 0;
    }
    int cls = classIndexOfId(in.classId());
    if (cls < 0) {
      return 0;
    }
    ByteBuffer b = ByteBuffer.wrap(in.fields()).order(ByteOrder.BIG_ENDIAN);
    for (int k = cls; k >= 0; k = graph.classes().superIndex(k)) {
      for (DumpSchema.Field f : schema.ownFields(k)) {
        long v = read(b, f.type());
        if (f.name().equals(name)) {
          return v;
        }
      }
    }
    return 0;
  }

  private int classIndexOfId(long classId) {
    int node = graph.indexOf(classId);
    return node >= 0 && graph.isClassObject(node) ? graph.classOf(node) : -1;
  }

  private String fieldPointingTo(int cls, byte[] fields, long target) {
    ByteBuffer b = ByteBuffer.wrap(fields).order(ByteOrder.BIG_ENDIAN);
    for (int k = cls; k >= 0; k = graph.classes().superIndex(k)) {
      for (DumpSchema.Field f : schema.ownFields(k)) {
        if (b.remaining() < f.type().size(graph.idSize())) {
          return null;
        }
        long v = read(b, f.type());
        if (f.type() == BasicType.OBJECT && v == target) {
          return f.name();
        }
      }
    }
    return null;
  }

  private long read(ByteBuffer b, BasicType type) {
    return switch (type) {
      case OBJECT -> graph.idSize() == 8 ? b.getLong() : b.getInt() & 0xFFFF_FFFFL;
      case BOOLEAN, BYTE -> b.get();
      case CHAR -> b.getChar();
      case SHORT -> b.getShort();
      case FLOAT, INT -> b.getInt();
      case DOUBLE, LONG -> b.getLong();
    };
  }
}
