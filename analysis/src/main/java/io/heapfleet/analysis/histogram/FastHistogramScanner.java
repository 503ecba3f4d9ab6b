package io.heapfleet.analysis.histogram;

import io.heapfleet.analysis.hprof.BasicType;
import io.heapfleet.analysis.hprof.ClassDump;
import io.heapfleet.analysis.hprof.GcRootType;
import io.heapfleet.analysis.hprof.HprofFormatException;
import io.heapfleet.analysis.hprof.HprofLimitException;
import io.heapfleet.analysis.hprof.HprofLimits;
import io.heapfleet.analysis.hprof.HprofStreamReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The histogram's fast path for uncompressed dump files: scans one range of records straight from a
 * reused direct buffer (one copy from the page cache, none into the heap) and counts objects into a
 * {@link HistogramBuilder}, without the general {@link HprofStreamReader} listener machinery.
 *
 * <p>Why a second reader: {@code histo} on a plain multi-GB dump is bound by the per-record cost,
 * about 40 million small records. The hot loop ({@link #fastRun8}/{@link #fastRun4}) handles only
 * INSTANCE_DUMP, OBJ_ARRAY_DUMP and PRIM_ARRAY_DUMP whose header and body lie wholly inside the
 * buffer and the segment: pure arithmetic on buffer offsets, no I/O, no exceptions, no allocation.
 * Everything else (other sub-records, records crossing the buffer end, anything malformed) goes
 * through {@link #slowSubRecord}, which reads with checked, refilling reads and reports errors
 * exactly like {@link HprofStreamReader}: an {@link HprofFormatException} naming the offset and the
 * (sub-)record. Results are identical to the general path (a test compares them on real dumps).
 *
 * <p>Not thread-safe: one scanner per range and thread.
 */
final class FastHistogramScanner {
  /** 1 MB: big enough that refills are rare, small enough to stay in the CPU cache while parsed. */
  static final int BUFFER_SIZE = 1024 * 1024;

  /**
   * 16 MB mapped windows: few map calls (about 60 per GB), while the resident set holds at most one
   * window per thread because each is unmapped when the next is mapped.
   */
  static final int MAP_WINDOW = 16 * 1024 * 1024;

  private static final int FIRST_WINDOW = 64 * 1024;

  private static final int STRING = 0x01;
  private static final int LOAD_CLASS = 0x02;
  private static final int UNLOAD_CLASS = 0x03;
  private static final int STACK_FRAME = 0x04;
  private static final int STACK_TRACE = 0x05;
  private static final int ALLOC_SITES = 0x06;
  private static final int HEAP_SUMMARY = 0x07;
  private static final int START_THREAD = 0x0A;
  private static final int END_THREAD = 0x0B;
  private static final int HEAP_DUMP = 0x0C;
  private static final int CPU_SAMPLES = 0x0D;
  private static final int CONTROL_SETTINGS = 0x0E;
  private static final int HEAP_DUMP_SEGMENT = 0x1C;
  private static final int HEAP_DUMP_END = 0x2C;

  private static final int CLASS_DUMP = 0x20;
  private static final int INSTANCE_DUMP = 0x21;
  private static final int OBJ_ARRAY_DUMP = 0x22;
  private static final int PRIM_ARRAY_DUMP = 0x23;
  private static final int PRIM_ARRAY_NODATA = 0xC3;
  private static final int HEAP_DUMP_INFO = 0xFE;

  /** The fast loop only starts a record when this many bytes are buffered (largest header: 25). */
  private static final int FAST_HEADER = 32;

  /** Element size per primitive type code; 0 = not a primitive array element type. */
  private static final int[] PRIMITIVE_SIZE = new int[256];

  private static final GcRootType[] ROOTS = new GcRootType[256];

  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  /** Added to a record's end so that it lies beyond any window: "not for the fast loop". */
  private static final long STOP = 1L << 60;

  /** {@link #STOP} for type codes that are not primitive element types, else 0. */
  private static final long[] NOT_PRIMITIVE = new long[256];

  /** {@link #STOP} for every sub-record tag but OBJ_ARRAY_DUMP. */
  private static final long[] NOT_OBJECT_ARRAY = new long[256];

  static {
    Arrays.fill(NOT_PRIMITIVE, STOP);
    Arrays.fill(NOT_OBJECT_ARRAY, STOP);
    NOT_OBJECT_ARRAY[OBJ_ARRAY_DUMP] = 0;
    for (BasicType t : BasicType.values()) {
      if (t != BasicType.OBJECT) {
        PRIMITIVE_SIZE[t.code()] = t.size(8);
        NOT_PRIMITIVE[t.code()] = 0;
      }
    }
    for (GcRootType t : GcRootType.values()) {
      ROOTS[t.tag()] = t;
    }
  }

  private final FileChannel channel;
  private final long fileSize;
  private final HistogramBuilder builder;
  private final int idSize;

  /** What the dump may make this read keep (shared by the ranges of one scan). */
  private final HprofLimits.Budget budget;

  /** Memory-mapped windows of the file (no copy) instead of reads into one direct buffer. */
  private final boolean mapped;

  private final int bufferSize;

  /** Size of the current mapped window: grows from {@link #FIRST_WINDOW} to the buffer size. */
  private int window;

  /** The bytes at {@link #bufStart}: the read buffer, or the current mapped window. */
  private ByteBuffer buf;

  /** Next byte to parse and end of valid bytes, relative to {@link #bufStart}. */
  private int pos;

  private int limit;

  /** Absolute file offset of {@code buf[0]}. */
  private long bufStart;

  // Where we are, for error messages.
  private long recordStart;
  private int recordTag;
  private boolean subRecord;

  FastHistogramScanner(
      FileChannel channel,
      long fileSize,
      HistogramBuilder builder,
      int idSize,
      int bufferSize,
      boolean mapped,
      HprofLimits.Budget budget) {
    this.channel = channel;
    this.budget = budget;
    this.fileSize = fileSize;
    this.builder = builder;
    this.idSize = idSize;
    this.bufferSize = bufferSize;
    this.mapped = mapped;
    // Big-endian, like HPROF; a mapped scanner maps its first window on the first refill.
    this.buf = mapped ? EMPTY : ByteBuffer.allocateDirect(bufferSize);
  }

  /**
   * Counts the records in [{@code from}, {@code stopAt}) ({@code from} and {@code stopAt} are
   * record boundaries, as {@code ParallelHprofReader.splitPoints} finds them).
   *
   * @param wholeFile whether the input must end at the end of this range (the last range)
   * @return the number of HEAP_DUMP / HEAP_DUMP_SEGMENT records seen
   */
  long scan(long from, long stopAt, boolean wholeFile) throws IOException {
    bufStart = from;
    pos = 0;
    limit = 0;
    long heapDumps = 0;
    boolean openSegments = false;
    try {
      while (position() < stopAt && !atEnd()) {
        subRecord = false;
        recordStart = position();
        int tag = readUnsignedByte();
        recordTag = tag;
        readInt(); // microseconds since the header's timestamp
        long length = readInt() & 0xFFFFFFFFL;
        long end = position() + length;
        budget.recordEnd(recordStart, end);
        switch (tag) {
          case STRING -> {
            if (length < idSize) {
              throw new HprofFormatException(
                  recordStart, "STRING record length " + length + " is shorter than an id");
            }
            long id = readId();
            long textLength = length - idSize;
            budget.string(recordStart, textLength);
            builder.onString(id, readUtf8((int) textLength));
          }
          case LOAD_CLASS -> {
            long expected = 8L + 2L * idSize;
            if (length < expected) {
              throw new HprofFormatException(
                  recordStart,
                  "LOAD_CLASS record length "
                      + length
                      + " is shorter than the "
                      + expected
                      + " expected");
            }
            int serial = readInt();
            long classId = readId();
            int stackSerial = readInt();
            long nameId = readId();
            builder.onLoadClass(serial, classId, stackSerial, nameId);
          }
          case HEAP_DUMP, HEAP_DUMP_SEGMENT -> {
            heapDumps++;
            scanHeapDump(end);
            if (tag == HEAP_DUMP_SEGMENT) {
              openSegments = true;
            }
          }
          case HEAP_DUMP_END -> openSegments = false;
          case UNLOAD_CLASS,
              STACK_FRAME,
              STACK_TRACE,
              ALLOC_SITES,
              HEAP_SUMMARY,
              START_THREAD,
              END_THREAD,
              CPU_SAMPLES,
              CONTROL_SETTINGS -> {
            // Not needed for a histogram: skipped by length below.
          }
          default ->
              throw new HprofFormatException(
                  recordStart,
                  String.format(
                      "Unknown record tag 0x%02x; expected one of the HPROF 1.0.2 record tags",
                      tag));
        }
        skipTo(end);
      }
    } catch (HprofFormatException e) {
      throw withContext(e);
    } catch (UncheckedIOException e) {
      // The class cap, hit inside the hot loop (which cannot throw checked exceptions).
      if (e.getCause() instanceof HprofFormatException f) {
        throw withContext(f);
      }
      throw e;
    } catch (OutOfMemoryError e) {
      throw HprofLimitException.outOfMemory(e);
    }
    if (openSegments && wholeFile) {
      throw new HprofFormatException(
          position(),
          "Input ended inside the heap dump: HEAP_DUMP_SEGMENT records without the final"
              + " HEAP_DUMP_END (truncated dump?)");
    }
    return heapDumps;
  }

  /** Absolute offset of the next byte to parse. */
  long position() {
    return bufStart + pos;
  }

  private void scanHeapDump(long end) throws IOException {
    subRecord = true;
    while (true) {
      long start = bufStart + pos;
      if (start >= end) {
        if (start > end) {
          throw new HprofFormatException(
              start, "A heap dump sub-record runs past the end of its segment at offset " + end);
        }
        return;
      }
      if (limit - pos < FAST_HEADER) {
        refill();
      }
      // The first objects of a range vote on the size model (object order matters): checked path.
      if (limit - pos >= FAST_HEADER && !builder.voting()) {
        int max = (int) Math.min(limit, end - bufStart);
        int p = idSize == 8 ? fastRun8(pos, max) : fastRun4(pos, max);
        if (p != pos) {
          pos = p;
          continue;
        }
      }
      // A record the fast loop does not take (or a buffer end): the checked path.
      slowSubRecord(end);
    }
  }

  /**
   * The hot loop for 8-byte ids: counts complete object records in [{@code p}, {@code max}) whose
   * header is buffered; returns where it stopped (a record it leaves to the checked path).
   *
   * <p>Shape for the JIT: every reason to stop (a record crossing the window or segment end, a bad
   * element type, a tag other than the three object records) feeds one exit test through table
   * lookups instead of branches of its own. C2 compiles branches never taken while it profiled as
   * traps, and the first hit then throws the compiled loop away (a deoptimization costing a few
   * hundred milliseconds); the single exit is taken at every window end, so it is always profiled.
   */
  private int fastRun8(int p, int max) {
    ByteBuffer b = buf;
    HistogramBuilder h = builder;
    int headerEnd = limit - FAST_HEADER;
    while (p <= headerEnd) {
      int tag = b.get(p);
      long next;
      long n;
      int code;
      if (tag == INSTANCE_DUMP) {
        next = p + 25L + (b.getInt(p + 21) & 0xFFFFFFFFL);
        n = 0;
        code = 0;
      } else if (tag == PRIM_ARRAY_DUMP) {
        code = b.get(p + 17) & 0xFF;
        n = b.getInt(p + 13) & 0xFFFFFFFFL;
        next = p + 18L + n * PRIMITIVE_SIZE[code] + NOT_PRIMITIVE[code];
      } else {
        // OBJ_ARRAY_DUMP, or (with the penalty) anything else.
        n = b.getInt(p + 13) & 0xFFFFFFFFL;
        next = p + 25L + n * 8 + NOT_OBJECT_ARRAY[tag & 0xFF];
        code = 0;
      }
      if (next > max) {
        break;
      }
      if (tag == INSTANCE_DUMP) {
        h.countInstance(b.getLong(p + 13));
      } else if (tag == PRIM_ARRAY_DUMP) {
        h.countPrimitiveArray(code, n, PRIMITIVE_SIZE[code]);
      } else {
        h.countObjectArray(b.getLong(p + 17), n);
      }
      p = (int) next;
    }
    return p;
  }

  /** {@link #fastRun8} for 4-byte ids. */
  private int fastRun4(int p, int max) {
    ByteBuffer b = buf;
    HistogramBuilder h = builder;
    int headerEnd = limit - FAST_HEADER;
    while (p <= headerEnd) {
      int tag = b.get(p);
      long next;
      long n;
      int code;
      if (tag == INSTANCE_DUMP) {
        next = p + 17L + (b.getInt(p + 13) & 0xFFFFFFFFL);
        n = 0;
        code = 0;
      } else if (tag == PRIM_ARRAY_DUMP) {
        code = b.get(p + 13) & 0xFF;
        n = b.getInt(p + 9) & 0xFFFFFFFFL;
        next = p + 14L + n * PRIMITIVE_SIZE[code] + NOT_PRIMITIVE[code];
      } else {
        n = b.getInt(p + 9) & 0xFFFFFFFFL;
        next = p + 17L + n * 4 + NOT_OBJECT_ARRAY[tag & 0xFF];
        code = 0;
      }
      if (next > max) {
        break;
      }
      if (tag == INSTANCE_DUMP) {
        h.countInstance(b.getInt(p + 9) & 0xFFFFFFFFL);
      } else if (tag == PRIM_ARRAY_DUMP) {
        h.countPrimitiveArray(code, n, PRIMITIVE_SIZE[code]);
      } else {
        h.countObjectArray(b.getInt(p + 13) & 0xFFFFFFFFL, n);
      }
      p = (int) next;
    }
    return p;
  }

  /** One sub-record through checked reads; the same checks and messages as the stream reader. */
  private void slowSubRecord(long end) throws IOException {
    recordStart = position();
    recordTag = -1; // not read yet (named "sub-record" if the input ends here)
    int tag = readUnsignedByte();
    recordTag = tag;
    switch (tag) {
      case INSTANCE_DUMP -> {
        long id = readId();
        readInt(); // stack trace serial
        long classId = readId();
        long length = readInt() & 0xFFFFFFFFL;
        long bodyEnd = bodyEnd(position(), length, end);
        builder.instance(id, classId);
        skipTo(bodyEnd);
      }
      case OBJ_ARRAY_DUMP -> {
        long id = readId();
        readInt();
        long count = readInt() & 0xFFFFFFFFL;
        long classId = readId();
        long bodyEnd = bodyEnd(position(), count * idSize, end);
        builder.objectArray(id, classId, count);
        skipTo(bodyEnd);
      }
      case PRIM_ARRAY_DUMP -> {
        long id = readId();
        readInt();
        long count = readInt() & 0xFFFFFFFFL;
        BasicType type = primitiveType(readUnsignedByte());
        long bodyEnd = bodyEnd(position(), count * type.size(idSize), end);
        builder.primitiveArray(id, type.code(), count, type.size(idSize));
        skipTo(bodyEnd);
      }
      case CLASS_DUMP -> builder.onClassDump(readClassDump());
      case PRIM_ARRAY_NODATA -> {
        readId();
        readInt();
        readInt();
        primitiveType(readUnsignedByte());
      }
      case HEAP_DUMP_INFO -> {
        readInt();
        readId();
      }
      default -> skipGcRoot(tag);
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

  private void skipGcRoot(int tag) throws IOException {
    GcRootType type = ROOTS[tag];
    if (type == null) {
      throw new HprofFormatException(
          recordStart,
          String.format(
              "Unknown heap dump sub-record tag 0x%02x; expected a GC root, CLASS_DUMP,"
                  + " INSTANCE_DUMP, OBJ_ARRAY_DUMP or PRIM_ARRAY_DUMP",
              tag));
    }
    readId();
    switch (type) {
      case JNI_GLOBAL -> readId();
      case JNI_LOCAL, JAVA_FRAME, THREAD_OBJECT, JNI_MONITOR -> skip(8);
      case NATIVE_STACK, THREAD_BLOCK -> skip(4);
      default -> {
        // id only
      }
    }
  }

  private ClassDump readClassDump() throws IOException {
    long classId = readId();
    int stackSerial = readInt();
    long superId = readId();
    long loaderId = readId();
    long signersId = readId();
    long protectionDomainId = readId();
    readId(); // reserved
    readId(); // reserved
    int instanceSize = readInt();
    int constants = readUnsignedShort();
    for (int i = 0; i < constants; i++) {
      readUnsignedShort();
      skip(valueType(readUnsignedByte()).size(idSize));
    }
    int statics = readUnsignedShort();
    List<ClassDump.StaticField> staticFields = new ArrayList<>(statics);
    for (int i = 0; i < statics; i++) {
      long nameId = readId();
      BasicType type = valueType(readUnsignedByte());
      staticFields.add(new ClassDump.StaticField(nameId, type, readValue(type)));
    }
    int fields = readUnsignedShort();
    List<ClassDump.FieldDescriptor> instanceFields = new ArrayList<>(fields);
    for (int i = 0; i < fields; i++) {
      long nameId = readId();
      instanceFields.add(new ClassDump.FieldDescriptor(nameId, valueType(readUnsignedByte())));
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
          position() - 1,
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

  private long readValue(BasicType type) throws IOException {
    return switch (type) {
      case OBJECT -> readId();
      case BOOLEAN, BYTE -> (byte) readUnsignedByte();
      case CHAR -> (char) readUnsignedShort();
      case SHORT -> (short) readUnsignedShort();
      case FLOAT, INT -> readInt();
      case DOUBLE, LONG -> readLong();
    };
  }

  // ---- checked reads: refill at buffer ends, fail as truncated at the end of the file ----

  private int readUnsignedByte() throws IOException {
    need(1);
    return buf.get(pos++) & 0xFF;
  }

  private int readUnsignedShort() throws IOException {
    need(2);
    int v = buf.getShort(pos) & 0xFFFF;
    pos += 2;
    return v;
  }

  private int readInt() throws IOException {
    need(4);
    int v = buf.getInt(pos);
    pos += 4;
    return v;
  }

  private long readLong() throws IOException {
    need(8);
    long v = buf.getLong(pos);
    pos += 8;
    return v;
  }

  private long readId() throws IOException {
    return idSize == 8 ? readLong() : readInt() & 0xFFFFFFFFL;
  }

  private String readUtf8(int length) throws IOException {
    byte[] bytes = new byte[length];
    int done = 0;
    while (done < length) {
      if (pos >= limit) {
        need(1);
      }
      int k = Math.min(length - done, limit - pos);
      buf.get(pos, bytes, done, k);
      pos += k;
      done += k;
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private void skip(long n) throws IOException {
    skipTo(position() + n);
  }

  /** Moves to absolute offset {@code target}: inside the buffer, or by dropping it. */
  private void skipTo(long target) throws IOException {
    long rel = target - bufStart;
    if (rel < pos) {
      throw new HprofFormatException(
          position(), "A record was read past its end, which is at offset " + target);
    }
    if (rel <= limit) {
      pos = (int) rel;
      return;
    }
    if (target > fileSize) {
      throw new HprofFormatException(
          fileSize, "Unexpected end of input: " + (target - fileSize) + " more bytes expected");
    }
    bufStart = target; // skipped bytes are never read
    pos = 0;
    limit = 0;
  }

  private boolean atEnd() throws IOException {
    if (pos < limit) {
      return false;
    }
    refill();
    return pos >= limit;
  }

  /** Makes {@code n} bytes available at {@link #pos} or fails as truncated. */
  private void need(int n) throws IOException {
    if (limit - pos >= n) {
      return;
    }
    refill();
    if (limit - pos < n) {
      throw new HprofFormatException(
          bufStart + limit,
          "Unexpected end of input: "
              + n
              + "-byte value expected, only "
              + (limit - pos)
              + " bytes left");
    }
  }

  /** Keeps the unparsed tail, moved to the start of the buffer, and reads until full or EOF. */
  private void refill() throws IOException {
    if (mapped) {
      remap();
      return;
    }
    if (pos > 0) {
      int remaining = limit - pos;
      if (remaining > 0) {
        buf.limit(limit).position(pos);
        buf.compact();
      }
      bufStart += pos;
      pos = 0;
      limit = remaining;
    }
    buf.limit(buf.capacity()).position(limit);
    while (buf.hasRemaining()) {
      int n;
      try {
        n = channel.read(buf, bufStart + buf.position());
      } catch (IOException e) {
        throw new HprofFormatException(
            bufStart + buf.position(), "Cannot read the input: " + e.getMessage(), e);
      }
      if (n < 0) {
        break;
      }
    }
    limit = buf.position();
    buf.clear(); // absolute reads check indexes against the limit: keep it at the capacity
  }

  /** Maps the next window, starting at the next unparsed byte, and unmaps the previous one. */
  private void remap() throws IOException {
    long start = bufStart + pos;
    unmap();
    // Small first windows: the JIT then sees the loop's exits (window ends) while it profiles,
    // instead of compiling them as never taken and deoptimizing at the first 16 MB boundary.
    window = Math.min(bufferSize, window == 0 ? FIRST_WINDOW : window * 4);
    long length = Math.max(0, Math.min(window, fileSize - start));
    try {
      buf = channel.map(FileChannel.MapMode.READ_ONLY, start, length);
    } catch (IOException e) {
      throw new HprofFormatException(start, "Cannot read the input: " + e.getMessage(), e);
    }
    bufStart = start;
    pos = 0;
    limit = (int) length;
  }

  /**
   * Releases the current mapped window now rather than at some later GC, so mapped pages never pile
   * up in the process's resident set. Nothing reads {@link #buf} before the next {@link #remap}.
   */
  private void unmap() {
    ByteBuffer old = buf;
    buf = EMPTY;
    if (old.isDirect() && old.capacity() > 0) {
      Unmapper.unmap(old);
    }
  }

  /** Unmaps the last window; the scanner is unusable afterwards. */
  void close() {
    if (mapped) {
      unmap();
    }
  }

  private HprofFormatException withContext(HprofFormatException e) {
    if (e instanceof HprofLimitException) {
      return e; // names the value and the limit already
    }
    String what =
        subRecord
            ? HprofStreamReader.subRecordName(recordTag)
            : HprofStreamReader.recordName(recordTag);
    if (e.getMessage().contains(" in the ")) {
      return e;
    }
    String message = e.getMessage();
    int at = message.lastIndexOf(" (at offset ");
    if (at >= 0) {
      message = message.substring(0, at);
    }
    return new HprofFormatException(
        e.offset(),
        message + " in the " + what + " starting at offset " + recordStart,
        e.getCause() != null ? e.getCause() : e);
  }
}
