package io.heapfleet.analysis.histogram;

import static io.heapfleet.analysis.hprof.HprofTags.CLASS_DUMP;
import static io.heapfleet.analysis.hprof.HprofTags.HEAP_DUMP;
import static io.heapfleet.analysis.hprof.HprofTags.HEAP_DUMP_END;
import static io.heapfleet.analysis.hprof.HprofTags.HEAP_DUMP_INFO;
import static io.heapfleet.analysis.hprof.HprofTags.HEAP_DUMP_SEGMENT;
import static io.heapfleet.analysis.hprof.HprofTags.INSTANCE_DUMP;
import static io.heapfleet.analysis.hprof.HprofTags.LOAD_CLASS;
import static io.heapfleet.analysis.hprof.HprofTags.OBJ_ARRAY_DUMP;
import static io.heapfleet.analysis.hprof.HprofTags.PRIM_ARRAY_DUMP;
import static io.heapfleet.analysis.hprof.HprofTags.PRIM_ARRAY_NODATA;
import static io.heapfleet.analysis.hprof.HprofTags.STRING;

import io.heapfleet.analysis.hprof.BasicType;
import io.heapfleet.analysis.hprof.HprofDataInput;
import io.heapfleet.analysis.hprof.HprofFormatException;
import io.heapfleet.analysis.hprof.HprofLimitException;
import io.heapfleet.analysis.hprof.HprofLimits;
import io.heapfleet.analysis.hprof.HprofRecords;
import io.heapfleet.analysis.hprof.HprofStreamReader;
import io.heapfleet.analysis.hprof.HprofTags;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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
final class FastHistogramScanner implements HprofDataInput {
  /** 1 MB: big enough that refills are rare, small enough to stay in the CPU cache while parsed. */
  static final int BUFFER_SIZE = 1024 * 1024;

  /**
   * 16 MB mapped windows: few map calls (about 60 per GB), while the resident set holds at most one
   * window per thread because each is unmapped when the next is mapped.
   */
  static final int MAP_WINDOW = 16 * 1024 * 1024;

  private static final int FIRST_WINDOW = 64 * 1024;

  /** The fast loop only starts a record when this many bytes are buffered (largest header: 25). */
  private static final int FAST_HEADER = 32;

  /** Element size per primitive type code; 0 = not a primitive array element type. */
  private static final int[] PRIMITIVE_SIZE = new int[256];

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
            HprofRecords.checkStringLength(length, idSize, recordStart);
            long id = readId();
            long textLength = length - idSize;
            budget.string(recordStart, textLength);
            builder.onString(id, readUtf8((int) textLength));
          }
          case LOAD_CLASS -> {
            HprofRecords.checkLoadClassLength(length, idSize, recordStart);
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
          default -> {
            // Not needed for a histogram: skipped by length below.
            if (!HprofTags.isSkippedRecord(tag)) {
              throw HprofRecords.unknownRecord(tag, recordStart);
            }
          }
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
      throw HprofRecords.segmentsWithoutEnd(position());
    }
    return heapDumps;
  }

  /** Absolute offset of the next byte to parse. */
  @Override
  public long position() {
    return bufStart + pos;
  }

  private void scanHeapDump(long end) throws IOException {
    subRecord = true;
    while (true) {
      long start = bufStart + pos;
      if (start >= end) {
        if (start > end) {
          throw HprofRecords.subRecordPastSegment(start, end);
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

  /** {@link #fastRun8} for 4-byte ids: a copy on purpose, so the hot loop has constant offsets. */
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
        long bodyEnd = HprofRecords.bodyEnd(position(), length, end, recordStart);
        builder.instance(id, classId);
        skipTo(bodyEnd);
      }
      case OBJ_ARRAY_DUMP -> {
        long id = readId();
        readInt();
        long count = readInt() & 0xFFFFFFFFL;
        long classId = readId();
        long bodyEnd = HprofRecords.bodyEnd(position(), count * idSize, end, recordStart);
        builder.objectArray(id, classId, count);
        skipTo(bodyEnd);
      }
      case PRIM_ARRAY_DUMP -> {
        long id = readId();
        readInt();
        long count = readInt() & 0xFFFFFFFFL;
        BasicType type = HprofRecords.primitiveType(readUnsignedByte(), recordStart);
        long bodyEnd =
            HprofRecords.bodyEnd(position(), count * type.size(idSize), end, recordStart);
        builder.primitiveArray(id, type.code(), count, type.size(idSize));
        skipTo(bodyEnd);
      }
      case CLASS_DUMP -> builder.onClassDump(HprofRecords.readClassDump(this, idSize));
      case PRIM_ARRAY_NODATA -> HprofRecords.skipPrimitiveArrayNoData(this, recordStart);
      case HEAP_DUMP_INFO -> HprofRecords.skipHeapDumpInfo(this);
      default -> HprofRecords.readGcRoot(HprofRecords.gcRoot(tag, recordStart), this);
    }
  }

  // ---- checked reads: refill at buffer ends, fail as truncated at the end of the file ----

  @Override
  public int readUnsignedByte() throws IOException {
    need(1);
    return buf.get(pos++) & 0xFF;
  }

  @Override
  public int readUnsignedShort() throws IOException {
    need(2);
    int v = buf.getShort(pos) & 0xFFFF;
    pos += 2;
    return v;
  }

  @Override
  public int readInt() throws IOException {
    need(4);
    int v = buf.getInt(pos);
    pos += 4;
    return v;
  }

  @Override
  public long readLong() throws IOException {
    need(8);
    long v = buf.getLong(pos);
    pos += 8;
    return v;
  }

  @Override
  public long readId() throws IOException {
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

  @Override
  public void skip(long n) throws IOException {
    skipTo(position() + n);
  }

  /** Moves to absolute offset {@code target}: inside the buffer, or by dropping it. */
  private void skipTo(long target) throws IOException {
    long rel = target - bufStart;
    if (rel < pos) {
      throw HprofRecords.readPastEnd(position(), target);
    }
    if (rel <= limit) {
      pos = (int) rel;
      return;
    }
    if (target > fileSize) {
      throw HprofRecords.truncatedSkip(fileSize, target - fileSize);
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
      throw HprofRecords.truncated(bufStart + limit, n, limit - pos);
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
        throw HprofRecords.unreadable(bufStart + buf.position(), e);
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
      throw HprofRecords.unreadable(start, e);
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

  /** Places {@code e} in the (sub-)record being read, unless it names its own already. */
  private HprofFormatException withContext(HprofFormatException e) {
    String what = subRecord ? HprofTags.subRecordName(recordTag) : HprofTags.recordName(recordTag);
    return e.inRecord(what, recordStart);
  }
}
