package io.heapfleet.analysis.internal.graph;

import io.heapfleet.analysis.histogram.ClassNames;
import io.heapfleet.analysis.histogram.SizeModel;
import io.heapfleet.analysis.hprof.BasicType;
import io.heapfleet.analysis.hprof.ClassDump;
import io.heapfleet.analysis.hprof.GcRootType;
import io.heapfleet.analysis.hprof.HprofFormatException;
import io.heapfleet.analysis.hprof.HprofInput;
import io.heapfleet.analysis.hprof.HprofLimitException;
import io.heapfleet.analysis.hprof.HprofLimits;
import io.heapfleet.analysis.hprof.HprofListener;
import io.heapfleet.analysis.hprof.RecordReader;
import io.heapfleet.analysis.internal.util.LongIntMap;
import io.heapfleet.analysis.internal.util.LongObjectMap;
import io.heapfleet.analysis.report.Format;
import io.heapfleet.analysis.retainer.GraphTooLargeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link HeapGraph} from an HPROF dump in one streaming pass with the {@code hprof}
 * reader: class dumps give class names, field layouts and static references; instance dumps give
 * references by decoding only the reference fields (primitive fields are skipped by offset); object
 * arrays give their elements; GC root sub-records give the roots. Shallow sizes follow the
 * histogram's {@link SizeModel}, detected from the distances between consecutive object ids.
 *
 * <p>The stream buffers take their memory from the {@link ArrayAllocator}: within its heap budget
 * on the heap, beyond it in memory-mapped temp files, so a dump bigger than the heap loads. With an
 * allocator that never spills, the heap they hold is watched while streaming: once it would exceed
 * the allowed heap, the load stops with a {@link GraphTooLargeException} naming the {@code -Xmx}
 * needed, instead of an {@code OutOfMemoryError}. Not thread-safe; one loader per load.
 */
public final class HprofGraphLoader implements HprofListener {
  private static final int CHECK_EVERY = 1 << 16;

  private final GraphBuilder builder;
  private final int idSize;
  private final long heapLimitBytes;
  private final long inputBytes;
  private final LongObjectMap<String> strings = new LongObjectMap<>(1 << 16);
  private final LongObjectMap<String> classNames = new LongObjectMap<>(1 << 14);
  private final LongIntMap classIndexById = new LongIntMap(1 << 14, -1);
  private final List<ClassDump> classDumps = new ArrayList<>();
  private final List<List<DumpSchema.Field>> ownFields = new ArrayList<>();
  private final List<List<DumpSchema.Field>> staticFields = new ArrayList<>();
  private final List<int[]> refSkips = new ArrayList<>(); // per class: bytes to skip before refs
  private final List<long[]> primitiveAndRefs = new ArrayList<>(); // per class: {bytes, refs}
  private final int[] primitiveArrayClass = new int[12];
  private final SizeModel[] models;
  private final long[] modelHits;
  private final long[] predicted;
  private long previousId;

  /** The input's limits; the class cap applies to the classes the graph holds. */
  private HprofLimits limits = HprofLimits.DEFAULT;

  private long objects;
  private long lastPosition;
  private long lastClassId;
  private int lastClass = -1;
  private long[] lastSizes;
  private int[] lastSkips;
  private int lastFieldBytes;

  /** Enough consecutive objects to tell the size models apart; later ones are not scored. */
  private static final long MODEL_DETECTION_OBJECTS = 1 << 20;

  private HprofGraphLoader(int idSize, ArrayAllocator allocator, long heapLimit, long inputBytes) {
    this.builder = new GraphBuilder(idSize, allocator);
    this.idSize = idSize;
    this.heapLimitBytes = heapLimit;
    this.inputBytes = inputBytes;
    java.util.Arrays.fill(primitiveArrayClass, -1);
    this.models =
        idSize == 4
            ? new SizeModel[] {SizeModel.BITS_32}
            : new SizeModel[] {
              SizeModel.COMPRESSED_OOPS, SizeModel.WIDE_OOPS, SizeModel.UNCOMPRESSED
            };
    this.modelHits = new long[models.length];
    this.predicted = new long[models.length];
  }

  /**
   * Loads the graph of {@code dump} (plain, gzip or zstd).
   *
   * @param allocator where the graph's arrays go (on heap within its budget, else spilled)
   * @param heapLimitBytes heap the stream buffers may hold before the load gives up
   */
  public static LoadedDump load(Path dump, ArrayAllocator allocator, long heapLimitBytes)
      throws IOException {
    long size = java.nio.file.Files.size(dump);
    try (HprofInput input = HprofInput.open(dump)) {
      // Compressed input: its decompressed size is unknown, so projections use what was read.
      long plain = input.format().toString().equalsIgnoreCase("PLAIN") ? size : -1;
      HprofGraphLoader loader =
          new HprofGraphLoader(input.header().idSize(), allocator, heapLimitBytes, plain);
      loader.limits = input.limits();
      var summary = input.read(loader);
      return loader.finish(input.header().timestamp(), summary.bytes());
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof HprofFormatException f) {
        throw f; // a superclass cycle found while sizing the classes
      }
      throw e;
    } catch (OutOfMemoryError e) {
      throw HprofLimitException.outOfMemory(e);
    }
  }

  private LoadedDump finish(java.time.Instant timestamp, long bytes) {
    checkMemory();
    SizeModel model = models[0];
    for (int i = 1; i < models.length; i++) {
      if (modelHits[i] > modelHits[indexOf(model)]) {
        model = models[i];
      }
    }
    HeapGraph graph = builder.build();
    ClassTable classes = graph.classes();
    // Shallow sizes: the build stored array lengths (instances 0); now that the model is known,
    // turn them into bytes.
    long[] instanceSize = new long[classes.size()];
    int[] elementSize = new int[classes.size()];
    long[] classObjectSize = new long[classes.size()];
    for (int c = 0; c < classes.size(); c++) {
      long[] pr = primitiveAndRefs(c);
      instanceSize[c] = model.instanceSize(pr[0], pr[1]);
      elementSize[c] = elementSize(c, model);
      long staticBytes = 0;
      long staticRefs = 0;
      for (DumpSchema.Field f : staticFields.get(c)) {
        if (f.type() == BasicType.OBJECT) {
          staticRefs++;
        } else {
          staticBytes += f.type().size(idSize);
        }
      }
      classObjectSize[c] = model.instanceSize(staticBytes, staticRefs);
    }
    for (int node = 0, n = graph.objectCount(); node < n; node++) {
      int c = graph.classOf(node);
      long size;
      if (graph.isClassObject(node)) {
        size = classObjectSize[c];
      } else if (elementSize[c] > 0) {
        size = model.arraySize(graph.shallowSize(node), elementSize[c]);
      } else {
        size = instanceSize[c];
      }
      graph.setShallowSize(node, size);
    }
    DumpSchema schema = new DumpSchema(classes, ownFields, staticFields);
    return new LoadedDump(graph, schema, model, timestamp, bytes);
  }

  private int indexOf(SizeModel m) {
    for (int i = 0; i < models.length; i++) {
      if (models[i] == m) {
        return i;
      }
    }
    return 0;
  }

  private int elementSize(int c, SizeModel model) {
    for (int t = 0; t < primitiveArrayClass.length; t++) {
      if (primitiveArrayClass[t] == c) {
        return BasicType.ofCode(t).size(idSize);
      }
    }
    String name = builder.className(c);
    return name.endsWith("[]") ? model.referenceSize() : 0;
  }

  @Override
  public void onString(long id, String text) {
    strings.put(id, text);
  }

  @Override
  public void onLoadClass(int classSerial, long classId, int stackTraceSerial, long nameStringId) {
    String name = strings.get(nameStringId);
    classNames.put(classId, name == null ? "unknown@0x" + Long.toHexString(classId) : name);
  }

  @Override
  public void onGcRoot(GcRootType type, long objectId) {
    builder.addRoot(objectId, rootKind(type));
  }

  private static RootKind rootKind(GcRootType type) {
    return switch (type) {
      case JNI_GLOBAL -> RootKind.JNI_GLOBAL;
      case JNI_LOCAL -> RootKind.JNI_LOCAL;
      case JAVA_FRAME -> RootKind.JAVA_FRAME;
      case NATIVE_STACK -> RootKind.NATIVE_STACK;
      case STICKY_CLASS -> RootKind.STICKY_CLASS;
      case THREAD_BLOCK -> RootKind.THREAD_BLOCK;
      case MONITOR_USED -> RootKind.MONITOR_USED;
      case THREAD_OBJECT -> RootKind.THREAD_OBJECT;
      default -> RootKind.UNKNOWN;
    };
  }

  @Override
  public void onClassDump(ClassDump dump) throws IOException {
    if (classIndexById.get(dump.classId()) >= 0) {
      return; // a class dumped twice: the first wins
    }
    String internal = classNames.get(dump.classId());
    String name =
        internal == null
            ? "unknown@0x" + Long.toHexString(dump.classId())
            : ClassNames.toJava(internal);
    limits.checkClasses(classDumps.size() + 1);
    int c = builder.addClass(dump.classId(), name, dump.superClassId());
    classIndexById.put(dump.classId(), c);
    if (internal != null && internal.length() == 2 && internal.charAt(0) == '[') {
      int code = primitiveCode(internal.charAt(1));
      if (code >= 0 && primitiveArrayClass[code] < 0) {
        primitiveArrayClass[code] = c; // primitive arrays are instances of the real [B etc.
      }
    }
    classDumps.add(dump);
    List<DumpSchema.Field> own = new ArrayList<>(dump.instanceFields().size());
    for (ClassDump.FieldDescriptor f : dump.instanceFields()) {
      own.add(new DumpSchema.Field(string(f.nameId()), f.type(), 0));
    }
    ownFields.add(own);
    List<DumpSchema.Field> statics = new ArrayList<>(dump.staticFields().size());
    for (ClassDump.StaticField f : dump.staticFields()) {
      statics.add(new DumpSchema.Field(string(f.nameId()), f.type(), f.value()));
    }
    staticFields.add(statics);
    refSkips.add(null);
    primitiveAndRefs.add(null);
    builder.addClassObject(c, 0);
    for (ClassDump.StaticField f : dump.staticFields()) {
      if (f.type() == BasicType.OBJECT) {
        builder.addReference(f.value());
      }
    }
    counted();
  }

  private static int primitiveCode(char descriptor) {
    BasicType t =
        switch (descriptor) {
          case 'Z' -> BasicType.BOOLEAN;
          case 'C' -> BasicType.CHAR;
          case 'F' -> BasicType.FLOAT;
          case 'D' -> BasicType.DOUBLE;
          case 'B' -> BasicType.BYTE;
          case 'S' -> BasicType.SHORT;
          case 'I' -> BasicType.INT;
          case 'J' -> BasicType.LONG;
          default -> null;
        };
    return t == null ? -1 : t.code();
  }

  private String string(long id) {
    String s = strings.get(id);
    return s == null ? "field@0x" + Long.toHexString(id) : s;
  }

  @Override
  public void onInstanceDump(long objectId, long classId, int fieldsLength, RecordReader body)
      throws IOException {
    // Instances of one class often come in runs: skip the map lookup then.
    if (classId != lastClassId) {
      int c = classIndexById.get(classId);
      if (c < 0) {
        throw new HprofFormatException(
            body.position(),
            "INSTANCE_DUMP of object 0x"
                + Long.toHexString(objectId)
                + " names class 0x"
                + Long.toHexString(classId)
                + " that has no CLASS_DUMP before it");
      }
      lastClassId = classId;
      lastClass = c;
      lastSizes = primitiveAndRefs(c);
      lastSkips = refSkips.get(c);
      lastFieldBytes = (int) lastSizes[2];
    }
    int c = lastClass;
    if (fieldsLength < lastFieldBytes) {
      throw new HprofFormatException(
          body.position(),
          "INSTANCE_DUMP of object 0x"
              + Long.toHexString(objectId)
              + " has "
              + fieldsLength
              + " bytes of fields, fewer than the "
              + lastFieldBytes
              + " the layout of "
              + builder.className(c)
              + " needs");
    }
    lastPosition = body.position();
    if (objects < MODEL_DETECTION_OBJECTS) {
      detectModel(objectId, lastSizes[0], lastSizes[1], -1, 0);
    }
    builder.addObject(objectId, c, 0);
    for (int skip : lastSkips) {
      if (skip > 0) {
        body.skip(skip);
      }
      builder.addReference(body.readId());
    }
    counted();
  }

  @Override
  public void onObjectArrayDump(long arrayId, long arrayClassId, int length, RecordReader body)
      throws IOException {
    int c = classIndexById.get(arrayClassId);
    if (c < 0) {
      c = primitiveOrSynthetic(-1, "java.lang.Object[]");
    }
    if (objects < MODEL_DETECTION_OBJECTS) {
      detectModel(arrayId, 0, 0, length, -1);
    }
    builder.addObject(arrayId, c, length);
    for (int i = 0; i < length; i++) {
      builder.addReference(body.readId());
    }
    counted();
  }

  @Override
  public void onPrimitiveArrayDump(
      long arrayId, BasicType elementType, int length, RecordReader body) {
    int c = primitiveOrSynthetic(elementType.code(), elementType.javaName() + "[]");
    if (objects < MODEL_DETECTION_OBJECTS) {
      detectModel(arrayId, 0, 0, length, elementType.size(idSize));
    }
    builder.addObject(arrayId, c, length);
    counted();
  }

  private int primitiveOrSynthetic(int code, String name) {
    if (code >= 0 && primitiveArrayClass[code] >= 0) {
      return primitiveArrayClass[code];
    }
    int c = builder.addClass(0, name, 0);
    ownFields.add(List.of());
    staticFields.add(List.of());
    refSkips.add(new int[0]);
    primitiveAndRefs.add(new long[] {0, 0, 0});
    classDumps.add(null);
    if (code >= 0) {
      primitiveArrayClass[code] = c;
    }
    return c;
  }

  /**
   * Scores each size model by whether the previous object's predicted size equals the distance to
   * this object's id (ids are addresses; consecutive objects are adjacent in a heap region).
   */
  private void detectModel(long id, long primitive, long refs, long length, int elementSize) {
    if (previousId != 0 && id > previousId) {
      long distance = id - previousId;
      for (int i = 0; i < models.length; i++) {
        if (predicted[i] == distance) {
          modelHits[i]++;
        }
      }
    }
    previousId = id;
    for (int i = 0; i < models.length; i++) {
      SizeModel m = models[i];
      predicted[i] =
          length < 0
              ? m.instanceSize(primitive, refs)
              : elementSize < 0 ? m.objectArraySize(length) : m.arraySize(length, elementSize);
    }
  }

  /** {primitive bytes, references} of an instance of class {@code c}, whole hierarchy. */
  private long[] primitiveAndRefs(int c) {
    long[] pr = primitiveAndRefs.get(c);
    if (pr != null) {
      return pr;
    }
    long bytes = 0;
    long refs = 0;
    List<Integer> skips = new ArrayList<>();
    int pending = 0;
    int guard = 0;
    for (int k = c; k >= 0; k = superIndex(k)) {
      if (++guard > 1000) {
        throw new UncheckedIOException(
            new HprofFormatException(
                -1,
                "superclass cycle: class "
                    + builder.className(c)
                    + " is its own ancestor (corrupt dump)"));
      }
      // Reference.referent is weak (or soft, phantom): it neither keeps its target alive nor
      // explains a leak, so it is not an edge (as in Shark's path finding).
      boolean reference = "java.lang.ref.Reference".equals(builder.className(k));
      for (DumpSchema.Field f : ownFields.get(k)) {
        if (f.type() == BasicType.OBJECT) {
          refs++;
          if (reference && "referent".equals(f.name())) {
            pending += idSize;
          } else {
            skips.add(pending);
            pending = 0;
          }
        } else {
          int size = f.type().size(idSize);
          bytes += size;
          pending += size;
        }
      }
    }
    pr = new long[] {bytes, refs, bytes + refs * idSize};
    primitiveAndRefs.set(c, pr);
    refSkips.set(c, skips.stream().mapToInt(Integer::intValue).toArray());
    return pr;
  }

  private int superIndex(int c) {
    ClassDump d = classDumps.get(c);
    return d == null || d.superClassId() == 0 ? -1 : classIndexById.get(d.superClassId());
  }

  private void counted() {
    if ((++objects & (CHECK_EVERY - 1)) == 0) {
      checkMemory();
    }
  }

  /**
   * Fails early, naming the heap needed, when the stream buffers held on the heap would outgrow the
   * limit (with a spilling allocator they stay within its budget; an on-heap one cannot spill).
   */
  private void checkMemory() {
    long held = builder.bufferHeapBytes();
    if (held > heapLimitBytes) {
      String needed = "";
      if (inputBytes > 0 && lastPosition > 0) {
        double f = (double) inputBytes / lastPosition;
        MemoryEstimate whole =
            new MemoryEstimate(
                (long) (builder.objectCount() * f), (long) (builder.referenceCount() * f));
        needed =
            "; the whole dump (~"
                + whole.objects()
                + " objects) needs about -Xmx"
                + whole.suggestedXmx()
                + " (or -Xmx"
                + whole.suggestedXmxWithSpill()
                + " with spilling to disk)";
      }
      throw new GraphTooLargeException(
          "the dump's graph does not fit: after "
              + builder.objectCount()
              + " objects and "
              + builder.referenceCount()
              + " references the build already holds "
              + Format.bytes(held)
              + " of heap, over the limit of "
              + Format.bytes(heapLimitBytes)
              + (inputBytes > 0 ? "" : " (compressed input: total unknown)")
              + needed
              + "; run with more heap (-Xmx) or analyse a smaller dump");
    }
  }
}
