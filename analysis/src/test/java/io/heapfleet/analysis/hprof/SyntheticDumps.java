package io.heapfleet.analysis.hprof;

import io.heapfleet.testsupport.hprof.HprofRootType;
import io.heapfleet.testsupport.hprof.HprofType;
import io.heapfleet.testsupport.hprof.HprofWriter;
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
        "java/lang/Class", object, 0, new HprofWriter.Field("classLoader", HprofType.OBJECT));
    long loader = 0x4242;
    long entry =
        w.defineClass(
            "com/acme/Cache$Entry",
            object,
            loader,
            List.of(Map.entry(new HprofWriter.Field("COUNT", HprofType.INT), 7L)),
            new HprofWriter.Field("key", HprofType.OBJECT),
            new HprofWriter.Field("hits", HprofType.LONG),
            new HprofWriter.Field("flag", HprofType.BOOLEAN),
            new HprofWriter.Field("c", HprofType.CHAR));
    long objectArrayClass = w.defineClass("[Ljava/lang/Object;", object, 0);
    w.defineClass("[B", object, 0);
    long bytes = w.primitiveArray(HprofType.BYTE, 10);
    long e1 = w.instance(entry, bytes, 12345L, 1, 'x');
    w.newSegment();
    long e2 = w.instance(entry, 0, -1L, 0, 'y');
    long array = w.objectArray(objectArrayClass, e1, e2, 0);
    w.primitiveArray(HprofType.INT, 3);
    w.primitiveArray(HprofType.LONG, 1);
    w.primitiveArray(HprofType.CHAR, 5);
    w.primitiveArray(HprofType.SHORT, 2);
    w.primitiveArray(HprofType.FLOAT, 2);
    w.primitiveArray(HprofType.DOUBLE, 2);
    w.primitiveArray(HprofType.BOOLEAN, 9);
    for (HprofRootType t : HprofRootType.values()) {
      w.root(t, e1);
    }
    byte[] file = w.build();
    return new Everything(w, file, object, entry, e1, e2, objectArrayClass, array, bytes);
  }
}
