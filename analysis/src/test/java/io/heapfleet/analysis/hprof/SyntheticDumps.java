package io.heapfleet.analysis.hprof;

import java.util.List;
import java.util.Map;

/** A small dump using every record and sub-record type the reader handles. */
public final class SyntheticDumps {
  private SyntheticDumps() {}

  /** Ids of what {@link #everyRecordType} wrote. */
  public record Everything(
      HprofWriter writer,
      byte[] bytes,
      long objectClass,
      long entryClass,
      long entry1,
      long entry2,
      long objectArrayClass,
      long objectArray,
      long byteArray) {}

  public static Everything everyRecordType(int idSize) {
    HprofWriter w = new HprofWriter(idSize);
    long object = w.defineClass("java/lang/Object", 0, 0);
    w.defineClass(
        "java/lang/Class", object, 0, new HprofWriter.Field("classLoader", BasicType.OBJECT));
    long loader = 0x4242;
    long entry =
        w.defineClass(
            "com/acme/Cache$Entry",
            object,
            loader,
            List.of(Map.entry(new HprofWriter.Field("COUNT", BasicType.INT), 7L)),
            new HprofWriter.Field("key", BasicType.OBJECT),
            new HprofWriter.Field("hits", BasicType.LONG),
            new HprofWriter.Field("flag", BasicType.BOOLEAN),
            new HprofWriter.Field("c", BasicType.CHAR));
    long objectArrayClass = w.defineClass("[Ljava/lang/Object;", object, 0);
    w.defineClass("[B", object, 0);
    long bytes = w.primitiveArray(BasicType.BYTE, 10);
    long e1 = w.instance(entry, bytes, 12345L, 1, 'x');
    w.newSegment();
    long e2 = w.instance(entry, 0, -1L, 0, 'y');
    long array = w.objectArray(objectArrayClass, e1, e2, 0);
    w.primitiveArray(BasicType.INT, 3);
    w.primitiveArray(BasicType.LONG, 1);
    w.primitiveArray(BasicType.CHAR, 5);
    w.primitiveArray(BasicType.SHORT, 2);
    w.primitiveArray(BasicType.FLOAT, 2);
    w.primitiveArray(BasicType.DOUBLE, 2);
    w.primitiveArray(BasicType.BOOLEAN, 9);
    for (GcRootType t : GcRootType.values()) {
      w.root(t, e1);
    }
    byte[] file = w.build();
    return new Everything(w, file, object, entry, e1, e2, objectArrayClass, array, bytes);
  }
}
