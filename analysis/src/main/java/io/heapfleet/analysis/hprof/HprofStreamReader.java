package io.heapfleet.analysis.hprof;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams the records of an HPROF file once, front to back, calling an {@link HprofListener} for
 * each record and heap-dump sub-record and skipping record bodies by length. Memory use is
 * constant: nothing is retained between records.
 *
 * <p>Every length is checked against its enclosing record before anything is skipped or allocated,
 * so truncated or corrupt input ends with an {@link HprofFormatException} naming the offset, the
 * record and what was expected, never a hang or an out-of-memory. Not thread-safe.
 */
public final class HprofStreamReader {
  /** Top-level record tags. */
  static final int STRING = 0x01;

  static final int LOAD_CLASS = 0x02;
  static final int UNLOAD_CLASS = 0x03;
  static final int STACK_FRAME = 0x04;
  static final int STACK_TRACE = 0x05;
  static final int ALLOC_SITES = 0x06;
  static final int HEAP_SUMMARY = 0x07;
  static final int START_THREAD = 0x0A;
  static final int END_THREAD = 0x0B;
  static final int HEAP_DUMP = 0x0C;
  static final int CPU_SAMPLES = 0x0D;
  static final int CONTROL_SETTINGS = 0x0E;
  static final int HEAP_DUMP_SEGMENT = 0x1C;
  static final int HEAP_DUMP_END = 0x2C;

  /** Heap dump sub-record tags (GC roots are in {@link GcRootType}). */
  static final int CLASS_DUMP = 0x20;

  static final int INSTANCE_DUMP = 0x21;
  static final int OBJ_ARRAY_DUMP = 0x22;
  static final int PRIM_ARRAY_DUMP = 0x23;
  static final int PRIM_ARRAY_NODATA = 0xC3;
  static final int HEAP_DUMP_INFO = 0xFE;

  private static final GcRootType[] ROOTS = new GcRootType[256];

  static {
    for (GcRootType t : GcRootType.values()) {
      ROOTS[t.tag()] = t;
    }
  }

  private final RecordReader r;
  private final HprofHeader header;
  private final int idSize;

  // Where we are, for error messages (cheap field stores on the hot path).
  private long recordStart;
  private int recordTag;
  private boolean subRecord;

  /** Where to stop (exclusive; a record boundary) and whether the input must end there. */
  private final long stopAt;

  private final boolean wholeFile;

  /** What the dump may make this read keep (shared with the other ranges of a parallel read). */
  private final HprofLimits.Budget budget;

  HprofStreamReader(RecordReader reader, HprofHeader header, HprofLimits.Budget budget) {
    this(reader, header, Long.MAX_VALUE, true, budget);
  }

  /** A reader of the records in [reader position, stopAt): one range of a parallel read. */
  HprofStreamReader(
      RecordReader reader,
      HprofHeader header,
      long stopAt,
      boolean wholeFile,
      HprofLimits.Budget budget) {
    this.r = reader;
    this.header = header;
    this.idSize = header.idSize();
    this.stopAt = stopAt;
    this.wholeFile = wholeFile;
    this.budget = budget;
  }

  /**
   * What a complete read saw.
   *
   * @param bytes bytes of (decompressed) HPROF read, header included
   * @param heapDumpRecords number of HEAP_DUMP and HEAP_DUMP_SEGMENT records
   * @param objects number of instance and array sub-records
   */
  public record Summary(long bytes, long heapDumpRecords, long objects) {}

  Summary read(HprofListener listener) throws IOException {
    long heapDumps = 0;
    long objects = 0;
    boolean openSegments = false;
    boolean wantsStrings = listener.wantsStrings();
    try {
      while (r.position() < stopAt && !r.atEnd()) {
        subRecord = false;
        recordStart = r.position();
        int tag = r.readUnsignedByte();
        recordTag = tag;
        r.readInt(); // microseconds since the header's timestamp
        long length = r.readUnsignedInt();
        long end = r.position() + length;
        budget.recordEnd(recordStart, end);
        switch (tag) {
          case STRING -> {
            if (length < idSize) {
              throw new HprofFormatException(
                  recordStart, "STRING record length " + length + " is shorter than an id");
            }
            if (wantsStrings) {
              long id = r.readId();
              long textLength = length - idSize;
              budget.string(recordStart, textLength);
              listener.onString(id, r.readUtf8((int) textLength));
            }
          }
          case LOAD_CLASS -> {
            checkLength(length, 8L + 2L * idSize, "LOAD_CLASS");
            int serial = r.readInt();
            long classId = r.readId();
            int stackSerial = r.readInt();
            long nameId = r.readId();
            listener.onLoadClass(serial, classId, stackSerial, nameId);
          }
          case HEAP_DUMP, HEAP_DUMP_SEGMENT -> {
            heapDumps++;
            objects += readHeapDump(end, listener);
            if (tag == HEAP_DUMP) {
              listener.onHeapDumpEnd();
            } else {
              openSegments = true;
            }
          }
          case HEAP_DUMP_END -> {
            if (openSegments) {
              listener.onHeapDumpEnd();
            }
            openSegments = false;
          }
          case UNLOAD_CLASS,
              STACK_FRAME,
              STACK_TRACE,
              ALLOC_SITES,
              HEAP_SUMMARY,
              START_THREAD,
              END_THREAD,
              CPU_SAMPLES,
              CONTROL_SETTINGS -> {
            // Not needed for heap analysis: skipped by length below.
          }
          default ->
              throw new HprofFormatException(
                  recordStart,
                  String.format(
                      "Unknown record tag 0x%02x; expected one of the HPROF 1.0.2 record tags",
                      tag));
        }
        r.skipTo(end);
      }
    } catch (HprofFormatException e) {
      throw withContext(e);
    } catch (UncheckedIOException e) {
      // A listener's limit (the class cap) hit on a path that cannot throw checked exceptions.
      if (e.getCause() instanceof HprofFormatException f) {
        throw withContext(f);
      }
      throw e;
    } catch (OutOfMemoryError e) {
      throw HprofLimitException.outOfMemory(e);
    }
    if (openSegments && wholeFile) {
      throw new HprofFormatException(
          r.position(),
          "Input ended inside the heap dump: HEAP_DUMP_SEGMENT records without the final"
              + " HEAP_DUMP_END (truncated dump?)");
    }
    return new Summary(r.position(), heapDumps, objects);
  }

  /** Reads sub-records up to {@code end}; returns the number of object sub-records. */
  private long readHeapDump(long end, HprofListener listener) throws IOException {
    long objects = 0;
    subRecord = true;
    RecordReader r = this.r;
    int idSize = this.idSize;
    byte[] b = r.buf;
    while (true) {
      long start = r.position();
      if (start >= end) {
        if (start > end) {
          throw new HprofFormatException(
              start, "A heap dump sub-record runs past the end of its segment at offset " + end);
        }
        return objects;
      }
      recordStart = start;
      int p = r.pos;
      // Fast path for the records that make up nearly all of a dump: decode the header straight
      // from the buffer when it is all there (25 bytes at most), with no per-field bounds checks.
      if (r.limit - p >= 32) {
        int tag = b[p];
        if (tag == INSTANCE_DUMP) {
          recordTag = tag;
          long id;
          long classId;
          long length;
          if (idSize == 8) {
            id = (long) RecordReader.LONG.get(b, p + 1);
            classId = (long) RecordReader.LONG.get(b, p + 13);
            length = (int) RecordReader.INT.get(b, p + 21) & 0xFFFFFFFFL;
            p += 25;
          } else {
            id = (int) RecordReader.INT.get(b, p + 1) & 0xFFFFFFFFL;
            classId = (int) RecordReader.INT.get(b, p + 9) & 0xFFFFFFFFL;
            length = (int) RecordReader.INT.get(b, p + 13) & 0xFFFFFFFFL;
            p += 17;
          }
          r.pos = p;
          long bodyEnd = bodyEnd(r.bufferStart + p, length, end);
          listener.onInstanceDump(id, classId, (int) length, r);
          skipTo(r, bodyEnd);
          objects++;
          continue;
        }
        if (tag == PRIM_ARRAY_DUMP) {
          recordTag = tag;
          long id;
          long count;
          int typeCode;
          if (idSize == 8) {
            id = (long) RecordReader.LONG.get(b, p + 1);
            count = (int) RecordReader.INT.get(b, p + 13) & 0xFFFFFFFFL;
            typeCode = b[p + 17] & 0xFF;
            p += 18;
          } else {
            id = (int) RecordReader.INT.get(b, p + 1) & 0xFFFFFFFFL;
            count = (int) RecordReader.INT.get(b, p + 9) & 0xFFFFFFFFL;
            typeCode = b[p + 13] & 0xFF;
            p += 14;
          }
          r.pos = p;
          BasicType type = primitiveType(typeCode);
          long bodyEnd = bodyEnd(r.bufferStart + p, count * type.size(idSize), end);
          listener.onPrimitiveArrayDump(id, type, (int) count, r);
          skipTo(r, bodyEnd);
          objects++;
          continue;
        }
      }
      recordTag = -1; // not read yet: an error here must not name the previous sub-record's type
      int tag = r.readUnsignedByte();
      recordTag = tag;
      switch (tag) {
        case INSTANCE_DUMP -> {
          long id = r.readId();
          r.readInt(); // stack trace serial
          long classId = r.readId();
          long length = r.readUnsignedInt();
          long bodyEnd = bodyEnd(r.position(), length, end);
          listener.onInstanceDump(id, classId, (int) length, r);
          r.skipTo(bodyEnd);
          objects++;
        }
        case OBJ_ARRAY_DUMP -> {
          long id = r.readId();
          r.readInt();
          long count = r.readUnsignedInt();
          long classId = r.readId();
          long bodyEnd = bodyEnd(r.position(), count * idSize, end);
          listener.onObjectArrayDump(id, classId, (int) count, r);
          r.skipTo(bodyEnd);
          objects++;
        }
        case PRIM_ARRAY_DUMP -> {
          long id = r.readId();
          r.readInt();
          long count = r.readUnsignedInt();
          BasicType type = primitiveType(r.readUnsignedByte());
          long bodyEnd = bodyEnd(r.position(), count * type.size(idSize), end);
          listener.onPrimitiveArrayDump(id, type, (int) count, r);
          r.skipTo(bodyEnd);
          objects++;
        }
        case CLASS_DUMP -> listener.onClassDump(readClassDump());
        case PRIM_ARRAY_NODATA -> {
          r.readId();
          r.readInt();
          r.readInt();
          primitiveType(r.readUnsignedByte());
        }
        case HEAP_DUMP_INFO -> {
          r.readInt();
          r.readId();
        }
        default -> readGcRoot(tag, listener);
      }
    }
  }

  /** Skips to {@code target}, cheaply when it is inside the buffer. */
  private static void skipTo(RecordReader r, long target) throws IOException {
    long rel = target - r.bufferStart;
    if (rel >= r.pos && rel <= r.limit) {
      r.pos = (int) rel;
    } else {
      r.skipTo(target);
    }
  }

  private long bodyEnd(long bodyStart, long bodyLength, long segmentEnd)
      throws HprofFormatException {
    long bodyEnd = bodyStart + bodyLength;
    if (bodyEnd > segmentEnd) {
      throw new HprofFormatException(
          recordStart,
          "Body of "
              + bodyLength
              + " bytes runs past the end of the enclosing heap dump record at offset "
              + segmentEnd);
    }
    return bodyEnd;
  }

  private void readGcRoot(int tag, HprofListener listener) throws IOException {
    GcRootType type = ROOTS[tag];
    if (type == null) {
      throw new HprofFormatException(
          recordStart,
          String.format(
              "Unknown heap dump sub-record tag 0x%02x; expected a GC root, CLASS_DUMP,"
                  + " INSTANCE_DUMP, OBJ_ARRAY_DUMP or PRIM_ARRAY_DUMP",
              tag));
    }
    long id = r.readId();
    switch (type) {
      case JNI_GLOBAL -> r.readId();
      case JNI_LOCAL, JAVA_FRAME, THREAD_OBJECT, JNI_MONITOR -> r.skip(8);
      case NATIVE_STACK, THREAD_BLOCK -> r.skip(4);
      default -> {
        // id only
      }
    }
    listener.onGcRoot(type, id);
  }

  private ClassDump readClassDump() throws IOException {
    long classId = r.readId();
    int stackSerial = r.readInt();
    long superId = r.readId();
    long loaderId = r.readId();
    long signersId = r.readId();
    long protectionDomainId = r.readId();
    r.readId(); // reserved
    r.readId(); // reserved
    int instanceSize = r.readInt();
    int constants = r.readUnsignedShort();
    for (int i = 0; i < constants; i++) {
      r.readUnsignedShort();
      r.skip(valueType(r.readUnsignedByte()).size(idSize));
    }
    int statics = r.readUnsignedShort();
    List<ClassDump.StaticField> staticFields = new ArrayList<>(statics);
    for (int i = 0; i < statics; i++) {
      long nameId = r.readId();
      BasicType type = valueType(r.readUnsignedByte());
      staticFields.add(new ClassDump.StaticField(nameId, type, r.readValue(type)));
    }
    int fields = r.readUnsignedShort();
    List<ClassDump.FieldDescriptor> instanceFields = new ArrayList<>(fields);
    for (int i = 0; i < fields; i++) {
      long nameId = r.readId();
      instanceFields.add(new ClassDump.FieldDescriptor(nameId, valueType(r.readUnsignedByte())));
    }
    return new ClassDump(
        classId,
        stackSerial,
        superId,
        loaderId,
        signersId,
        protectionDomainId,
        instanceSize,
        staticFields,
        instanceFields);
  }

  private BasicType valueType(int code) throws HprofFormatException {
    BasicType type = BasicType.ofCode(code);
    if (type == null) {
      throw new HprofFormatException(
          r.position() - 1,
          String.format("Unknown basic type 0x%02x; expected 2 (object) or 4..11", code));
    }
    return type;
  }

  private BasicType primitiveType(int code) throws HprofFormatException {
    BasicType type = BasicType.ofCode(code);
    if (type == null || type == BasicType.OBJECT) {
      throw new HprofFormatException(
          recordStart,
          String.format("Unknown primitive array element type 0x%02x; expected 4..11", code));
    }
    return type;
  }

  private void checkLength(long length, long expected, String what) throws HprofFormatException {
    if (length < expected) {
      throw new HprofFormatException(
          recordStart,
          what + " record length " + length + " is shorter than the " + expected + " expected");
    }
  }

  private HprofFormatException withContext(HprofFormatException e) {
    if (e instanceof HprofLimitException) {
      return e; // names the value and the limit already
    }
    String what = (subRecord ? subRecordName(recordTag) : recordName(recordTag));
    if (e.getMessage().contains(" in the ")) {
      return e;
    }
    return new HprofFormatException(
        e.offset(),
        stripOffset(e.getMessage()) + " in the " + what + " starting at offset " + recordStart,
        e.getCause() != null ? e.getCause() : e);
  }

  private static String stripOffset(String message) {
    int i = message.lastIndexOf(" (at offset ");
    return i < 0 ? message : message.substring(0, i);
  }

  /** How error messages name a top-level record, e.g. {@code HEAP_DUMP_SEGMENT record}. */
  public static String recordName(int tag) {
    return switch (tag) {
      case STRING -> "STRING record";
      case LOAD_CLASS -> "LOAD_CLASS record";
      case UNLOAD_CLASS -> "UNLOAD_CLASS record";
      case STACK_FRAME -> "STACK_FRAME record";
      case STACK_TRACE -> "STACK_TRACE record";
      case HEAP_DUMP -> "HEAP_DUMP record";
      case HEAP_DUMP_SEGMENT -> "HEAP_DUMP_SEGMENT record";
      case HEAP_DUMP_END -> "HEAP_DUMP_END record";
      default -> String.format("record with tag 0x%02x", tag);
    };
  }

  /** How error messages name a heap dump sub-record, e.g. {@code INSTANCE_DUMP sub-record}. */
  public static String subRecordName(int tag) {
    return switch (tag) {
      case -1 -> "sub-record"; // its tag byte could not be read
      case CLASS_DUMP -> "CLASS_DUMP sub-record";
      case INSTANCE_DUMP -> "INSTANCE_DUMP sub-record";
      case OBJ_ARRAY_DUMP -> "OBJ_ARRAY_DUMP sub-record";
      case PRIM_ARRAY_DUMP -> "PRIM_ARRAY_DUMP sub-record";
      default -> {
        GcRootType root = ROOTS[tag & 0xFF];
        yield root != null
            ? "ROOT_" + root.name() + " sub-record"
            : String.format("sub-record with tag 0x%02x", tag);
      }
    };
  }

  HprofHeader header() {
    return header;
  }
}
