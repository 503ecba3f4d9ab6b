package io.heapfleet.testsupport.hprof;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes small synthetic HPROF files for tests, the way HotSpot lays them out: header, STRING and
 * LOAD_CLASS records, then heap dump segments (class dumps first), then HEAP_DUMP_END. Object ids
 * are assigned like heap addresses under the compressed-oops size model, so size detection sees a
 * contiguous heap. Records every record and sub-record start offset for truncation tests.
 */
public final class HprofWriter {
  /** A field of a class: name and type. */
  public record Field(String name, HprofType type) {}

  private record ClassInfo(long superId, List<Field> fields) {}

  private final int idSize;
  private final Instant timestamp;
  private final ByteArrayOutputStream records = new ByteArrayOutputStream();
  private final List<Long> recordOffsets = new ArrayList<>();
  private final List<ByteArrayOutputStream> segments = new ArrayList<>();
  private final List<List<Integer>> segmentSubOffsets = new ArrayList<>();
  private final Map<Long, ClassInfo> classes = new HashMap<>();
  private final Map<String, Long> stringIds = new HashMap<>();
  private long nextStringId = 0x100;
  private long nextClassId = 0x7_0000_0000L;
  private long nextAddress = 0x7_8000_0000L;
  private int classSerial = 1;
  private List<Long> boundaries = List.of();

  public HprofWriter(int idSize, Instant timestamp) {
    this.idSize = idSize;
    this.timestamp = timestamp;
    if (idSize == 4) {
      nextClassId = 0x1000_0000L;
      nextAddress = 0x2000_0000L;
    }
    newSegment();
  }

  public HprofWriter(int idSize) {
    this(idSize, Instant.parse("2026-11-22T01:00:00.123Z"));
  }

  /** A STRING record (once per distinct text); returns its id. */
  public long string(String text) {
    Long existing = stringIds.get(text);
    if (existing != null) {
      return existing;
    }
    long id = nextStringId++;
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    record(
        0x01,
        out -> {
          id(out, id);
          out.write(utf8);
        });
    stringIds.put(text, id);
    return id;
  }

  /** LOAD_CLASS + CLASS_DUMP for a class; {@code internalName} like {@code com/acme/Foo}. */
  public long defineClass(String internalName, long superId, long loaderId, Field... fields) {
    return defineClass(internalName, superId, loaderId, List.of(), fields);
  }

  /** Same, with static fields (values as longs). */
  public long defineClass(
      String internalName,
      long superId,
      long loaderId,
      List<Map.Entry<Field, Long>> statics,
      Field... fields) {
    long classId = nextClassId;
    nextClassId += 0x100;
    long nameId = string(internalName);
    List<Long> fieldNameIds = new ArrayList<>();
    for (Field f : fields) {
      fieldNameIds.add(string(f.name()));
    }
    List<Long> staticNameIds = new ArrayList<>();
    for (Map.Entry<Field, Long> s : statics) {
      staticNameIds.add(string(s.getKey().name()));
    }
    int serial = classSerial++;
    record(
        0x02,
        out -> {
          out.writeInt(serial);
          id(out, classId);
          out.writeInt(0);
          id(out, nameId);
        });
    classes.put(classId, new ClassInfo(superId, List.of(fields)));
    int instanceSize = 0;
    for (long c = classId; c != 0; c = classes.get(c).superId()) {
      for (Field f : classes.get(c).fields()) {
        instanceSize += f.type().size(idSize);
      }
    }
    int size = instanceSize;
    sub(
        0x20,
        out -> {
          id(out, classId);
          out.writeInt(0);
          id(out, superId);
          id(out, loaderId);
          id(out, 0);
          id(out, 0);
          id(out, 0);
          id(out, 0);
          out.writeInt(size);
          out.writeShort(1); // one constant pool entry, skipped by readers
          out.writeShort(7);
          out.writeByte(HprofType.INT.code());
          out.writeInt(42);
          out.writeShort(statics.size());
          for (int i = 0; i < statics.size(); i++) {
            id(out, staticNameIds.get(i));
            HprofType t = statics.get(i).getKey().type();
            out.writeByte(t.code());
            value(out, t, statics.get(i).getValue());
          }
          out.writeShort(fields.length);
          for (int i = 0; i < fields.length; i++) {
            id(out, fieldNameIds.get(i));
            out.writeByte(fields[i].type().code());
          }
        });
    return classId;
  }

  /** An INSTANCE_DUMP with field values in dump order (own fields first, then superclasses'). */
  public long instance(long classId, long... values) {
    List<Field> layout = new ArrayList<>();
    long prims = 0;
    long refs = 0;
    for (long c = classId; c != 0; c = classes.get(c).superId()) {
      for (Field f : classes.get(c).fields()) {
        layout.add(f);
        if (f.type() == HprofType.OBJECT) {
          refs++;
        } else {
          prims += f.type().size(idSize);
        }
      }
    }
    if (values.length != 0 && values.length != layout.size()) {
      throw new IllegalArgumentException("expected " + layout.size() + " values");
    }
    long id = allocate(idSize == 4 ? 8 + prims + refs * 4 : 12 + prims + refs * 4);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    DataOutputStream b = new DataOutputStream(body);
    try {
      for (int i = 0; i < layout.size(); i++) {
        value(b, layout.get(i).type(), values.length == 0 ? 0 : values[i]);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] bytes = body.toByteArray();
    sub(
        0x21,
        out -> {
          id(out, id);
          out.writeInt(1);
          id(out, classId);
          out.writeInt(bytes.length);
          out.write(bytes);
        });
    return id;
  }

  public long objectArray(long arrayClassId, long... elements) {
    long id = allocate((idSize == 4 ? 12 : 16) + elements.length * 4L);
    sub(
        0x22,
        out -> {
          id(out, id);
          out.writeInt(1);
          out.writeInt(elements.length);
          id(out, arrayClassId);
          for (long e : elements) {
            id(out, e);
          }
        });
    return id;
  }

  public long primitiveArray(HprofType type, int length) {
    long id = allocate((idSize == 4 ? 12 : 16) + (long) length * type.size(idSize));
    sub(
        0x23,
        out -> {
          id(out, id);
          out.writeInt(1);
          out.writeInt(length);
          out.writeByte(type.code());
          for (long i = 0; i < (long) length * type.size(idSize); i++) {
            out.writeByte((int) i);
          }
        });
    return id;
  }

  public void root(HprofRootType type, long objectId) {
    sub(
        type.tag(),
        out -> {
          id(out, objectId);
          switch (type) {
            case JNI_GLOBAL -> id(out, 0x55);
            case JNI_LOCAL, JAVA_FRAME, THREAD_OBJECT, JNI_MONITOR -> {
              out.writeInt(1);
              out.writeInt(2);
            }
            case NATIVE_STACK, THREAD_BLOCK -> out.writeInt(1);
            default -> {}
          }
        });
  }

  /** Starts a new HEAP_DUMP_SEGMENT for the following sub-records. */
  public void newSegment() {
    segments.add(new ByteArrayOutputStream());
    segmentSubOffsets.add(new ArrayList<>());
  }

  /** The complete file. */
  public byte[] build() {
    try {
      ByteArrayOutputStream file = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(file);
      writeHeader(out, idSize, timestamp);
      List<Long> offsets = new ArrayList<>();
      long base = file.size();
      for (long o : recordOffsets) {
        offsets.add(base + o);
      }
      out.write(records.toByteArray());
      for (int s = 0; s < segments.size(); s++) {
        byte[] segment = segments.get(s).toByteArray();
        long start = file.size();
        offsets.add(start);
        out.writeByte(0x1C);
        out.writeInt(0);
        out.writeInt(segment.length);
        for (int sub : segmentSubOffsets.get(s)) {
          offsets.add(start + 9 + sub);
        }
        out.write(segment);
      }
      offsets.add((long) file.size());
      out.writeByte(0x2C);
      out.writeInt(0);
      out.writeInt(0);
      boundaries = List.copyOf(offsets);
      return file.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes an HPROF file header ({@code JAVA PROFILE 1.0.2}, id size, timestamp): for tests that
   * stream records too big to build in memory.
   */
  public static void writeHeader(DataOutputStream out, int idSize, Instant timestamp)
      throws IOException {
    out.write("JAVA PROFILE 1.0.2".getBytes(StandardCharsets.US_ASCII));
    out.writeByte(0);
    out.writeInt(idSize);
    out.writeLong(timestamp.toEpochMilli());
  }

  /** Writes a top-level record's 9-byte head: tag, time, body length (a u4). */
  public static void writeRecordHead(DataOutputStream out, int tag, long bodyLength)
      throws IOException {
    out.writeByte(tag);
    out.writeInt(0);
    out.writeInt((int) bodyLength);
  }

  /** Offsets of every record and sub-record start in the last {@link #build()}. */
  public List<Long> boundaries() {
    return boundaries;
  }

  public int idSize() {
    return idSize;
  }

  private long allocate(long size) {
    long id = nextAddress;
    nextAddress += (size + 7) & ~7L;
    return id;
  }

  private interface Body {
    void write(DataOutputStream out) throws IOException;
  }

  private void record(int tag, Body body) {
    try {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      body.write(new DataOutputStream(buf));
      recordOffsets.add((long) records.size());
      DataOutputStream out = new DataOutputStream(records);
      out.writeByte(tag);
      out.writeInt(0);
      out.writeInt(buf.size());
      out.write(buf.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void sub(int tag, Body body) {
    try {
      ByteArrayOutputStream segment = segments.get(segments.size() - 1);
      segmentSubOffsets.get(segments.size() - 1).add(segment.size());
      DataOutputStream out = new DataOutputStream(segment);
      out.writeByte(tag);
      body.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void id(DataOutputStream out, long id) throws IOException {
    if (idSize == 8) {
      out.writeLong(id);
    } else {
      out.writeInt((int) id);
    }
  }

  private void value(DataOutputStream out, HprofType type, long v) throws IOException {
    switch (type) {
      case OBJECT -> id(out, v);
      case BOOLEAN, BYTE -> out.writeByte((int) v);
      case CHAR, SHORT -> out.writeShort((int) v);
      case FLOAT, INT -> out.writeInt((int) v);
      case DOUBLE, LONG -> out.writeLong(v);
    }
  }
}
