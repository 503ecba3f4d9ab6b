package io.heapfleet.analysis.hprof;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Record decoding and the format checks that every reader of HPROF shares: class dumps, GC roots,
 * value and element types, record and body lengths, and the {@link HprofFormatException}s they
 * raise, so that a format fix or an error message is written once. The readers keep only what is
 * specific to how they hold bytes (and their hot loops). Stateless and thread-safe.
 */
public final class HprofRecords {
  private HprofRecords() {}

  // ---- decoding ----

  /** Reads a CLASS_DUMP sub-record's body (after its tag byte). */
  public static ClassDump readClassDump(HprofDataInput in, int idSize) throws IOException {
    long classId = in.readId();
    int stackSerial = in.readInt();
    long superId = in.readId();
    long loaderId = in.readId();
    long signersId = in.readId();
    long protectionDomainId = in.readId();
    in.readId(); // reserved
    in.readId(); // reserved
    int instanceSize = in.readInt();
    int constants = in.readUnsignedShort();
    for (int i = 0; i < constants; i++) {
      in.readUnsignedShort();
      in.skip(valueType(in.readUnsignedByte(), in.position() - 1).size(idSize));
    }
    int statics = in.readUnsignedShort();
    List<ClassDump.StaticField> staticFields = new ArrayList<>(statics);
    for (int i = 0; i < statics; i++) {
      long nameId = in.readId();
      BasicType type = valueType(in.readUnsignedByte(), in.position() - 1);
      staticFields.add(new ClassDump.StaticField(nameId, type, in.readValue(type)));
    }
    int fields = in.readUnsignedShort();
    List<ClassDump.FieldDescriptor> instanceFields = new ArrayList<>(fields);
    for (int i = 0; i < fields; i++) {
      long nameId = in.readId();
      instanceFields.add(
          new ClassDump.FieldDescriptor(
              nameId, valueType(in.readUnsignedByte(), in.position() - 1)));
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

  /**
   * The GC root kind of sub-record {@code tag}; fails when the tag is no sub-record at all.
   *
   * @param recordStart where the sub-record starts, for the error
   */
  public static GcRootType gcRoot(int tag, long recordStart) throws HprofFormatException {
    GcRootType type = HprofTags.gcRoot(tag);
    if (type == null) {
      throw new HprofFormatException(
          recordStart,
          String.format(
              "Unknown heap dump sub-record tag 0x%02x; expected a GC root, CLASS_DUMP,"
                  + " INSTANCE_DUMP, OBJ_ARRAY_DUMP or PRIM_ARRAY_DUMP",
              tag));
    }
    return type;
  }

  /** Reads a GC root sub-record's body (after its tag byte); returns the root object's id. */
  public static long readGcRoot(GcRootType type, HprofDataInput in) throws IOException {
    long id = in.readId();
    switch (type) {
      case JNI_GLOBAL -> in.readId(); // the JNI global ref's id
      case JNI_LOCAL, JAVA_FRAME, THREAD_OBJECT, JNI_MONITOR -> in.skip(8); // thread/frame serials
      case NATIVE_STACK, THREAD_BLOCK -> in.skip(4); // thread serial
      default -> {
        // id only
      }
    }
    return id;
  }

  /** Skips a PRIM_ARRAY_NODATA sub-record's body (after its tag byte), checking its type. */
  public static void skipPrimitiveArrayNoData(HprofDataInput in, long recordStart)
      throws IOException {
    in.readId();
    in.readInt(); // stack trace serial
    in.readInt(); // element count
    primitiveType(in.readUnsignedByte(), recordStart);
  }

  /** Skips a HEAP_DUMP_INFO sub-record's body (after its tag byte). */
  public static void skipHeapDumpInfo(HprofDataInput in) throws IOException {
    in.readInt(); // heap type
    in.readId(); // heap name
  }

  // ---- checks ----

  /**
   * The basic type of a field, static or constant pool entry.
   *
   * @param offset where the type byte is, for the error
   */
  public static BasicType valueType(int code, long offset) throws HprofFormatException {
    BasicType type = BasicType.ofCode(code);
    if (type == null) {
      throw new HprofFormatException(
          offset, String.format("Unknown basic type 0x%02x; expected 2 (object) or 4..11", code));
    }
    return type;
  }

  /**
   * The element type of a primitive array.
   *
   * @param recordStart where the sub-record starts, for the error
   */
  public static BasicType primitiveType(int code, long recordStart) throws HprofFormatException {
    BasicType type = BasicType.ofCode(code);
    if (type == null || type == BasicType.OBJECT) {
      throw new HprofFormatException(
          recordStart,
          String.format("Unknown primitive array element type 0x%02x; expected 4..11", code));
    }
    return type;
  }

  /**
   * Where a sub-record's body ends; fails when it runs past the end of its heap dump record.
   *
   * @param recordStart where the sub-record starts, for the error
   */
  public static long bodyEnd(long bodyStart, long bodyLength, long segmentEnd, long recordStart)
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

  /** Fails when a STRING record is too short to hold its id. */
  public static void checkStringLength(long length, int idSize, long recordStart)
      throws HprofFormatException {
    if (length < idSize) {
      throw new HprofFormatException(
          recordStart, "STRING record length " + length + " is shorter than an id");
    }
  }

  /** Fails when a LOAD_CLASS record is shorter than its four fields. */
  public static void checkLoadClassLength(long length, int idSize, long recordStart)
      throws HprofFormatException {
    long expected = 8L + 2L * idSize;
    if (length < expected) {
      throw new HprofFormatException(
          recordStart,
          "LOAD_CLASS record length " + length + " is shorter than the " + expected + " expected");
    }
  }

  /** A top-level record tag that is not in HPROF 1.0.2. */
  public static HprofFormatException unknownRecord(int tag, long recordStart) {
    return new HprofFormatException(
        recordStart,
        String.format(
            "Unknown record tag 0x%02x; expected one of the HPROF 1.0.2 record tags", tag));
  }

  /** A sub-record that started inside its segment and ended after it. */
  public static HprofFormatException subRecordPastSegment(long position, long segmentEnd) {
    return new HprofFormatException(
        position,
        "A heap dump sub-record runs past the end of its segment at offset " + segmentEnd);
  }

  /** The input ended after HEAP_DUMP_SEGMENT records but before HEAP_DUMP_END. */
  public static HprofFormatException segmentsWithoutEnd(long position) {
    return new HprofFormatException(
        position,
        "Input ended inside the heap dump: HEAP_DUMP_SEGMENT records without the final"
            + " HEAP_DUMP_END (truncated dump?)");
  }

  /** Fewer than {@code need} bytes were left where a value of that size was expected. */
  public static HprofFormatException truncated(long position, int need, int left) {
    return new HprofFormatException(
        position,
        "Unexpected end of input: " + need + "-byte value expected, only " + left + " bytes left");
  }

  /** A skip or a record's end went {@code missing} bytes past the end of the input. */
  public static HprofFormatException truncatedSkip(long position, long missing) {
    return new HprofFormatException(
        position, "Unexpected end of input: " + missing + " more bytes expected");
  }

  /** A reader went past a record's end (a listener read more than the body it was given). */
  public static HprofFormatException readPastEnd(long position, long recordEnd) {
    return new HprofFormatException(
        position, "A record was read past its end, which is at offset " + recordEnd);
  }

  /** The bytes could not be read (an I/O error, or a decompressor's report of corrupt data). */
  public static HprofFormatException unreadable(long position, Throwable e) {
    String m = e.getMessage();
    String what =
        m == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + m;
    return new HprofFormatException(position, "Cannot read the input: " + what, e);
  }
}
