package io.heapfleet.analysis.hprof;

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

import java.io.IOException;
import java.io.UncheckedIOException;

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
            HprofRecords.checkStringLength(length, idSize, recordStart);
            if (wantsStrings) {
              long id = r.readId();
              long textLength = length - idSize;
              budget.string(recordStart, textLength);
              listener.onString(id, r.readUtf8((int) textLength));
            }
          }
          case LOAD_CLASS -> {
            HprofRecords.checkLoadClassLength(length, idSize, recordStart);
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
          default -> {
            // Not needed for heap analysis: skipped by length below.
            if (!HprofTags.isSkippedRecord(tag)) {
              throw HprofRecords.unknownRecord(tag, recordStart);
            }
          }
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
      throw HprofRecords.segmentsWithoutEnd(r.position());
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
          throw HprofRecords.subRecordPastSegment(start, end);
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
          long bodyEnd = HprofRecords.bodyEnd(r.bufferStart + p, length, end, recordStart);
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
          BasicType type = HprofRecords.primitiveType(typeCode, recordStart);
          long bodyEnd =
              HprofRecords.bodyEnd(r.bufferStart + p, count * type.size(idSize), end, recordStart);
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
          long bodyEnd = HprofRecords.bodyEnd(r.position(), length, end, recordStart);
          listener.onInstanceDump(id, classId, (int) length, r);
          r.skipTo(bodyEnd);
          objects++;
        }
        case OBJ_ARRAY_DUMP -> {
          long id = r.readId();
          r.readInt();
          long count = r.readUnsignedInt();
          long classId = r.readId();
          long bodyEnd = HprofRecords.bodyEnd(r.position(), count * idSize, end, recordStart);
          listener.onObjectArrayDump(id, classId, (int) count, r);
          r.skipTo(bodyEnd);
          objects++;
        }
        case PRIM_ARRAY_DUMP -> {
          long id = r.readId();
          r.readInt();
          long count = r.readUnsignedInt();
          BasicType type = HprofRecords.primitiveType(r.readUnsignedByte(), recordStart);
          long bodyEnd =
              HprofRecords.bodyEnd(r.position(), count * type.size(idSize), end, recordStart);
          listener.onPrimitiveArrayDump(id, type, (int) count, r);
          r.skipTo(bodyEnd);
          objects++;
        }
        case CLASS_DUMP -> listener.onClassDump(HprofRecords.readClassDump(r, idSize));
        case PRIM_ARRAY_NODATA -> HprofRecords.skipPrimitiveArrayNoData(r, recordStart);
        case HEAP_DUMP_INFO -> HprofRecords.skipHeapDumpInfo(r);
        default -> {
          GcRootType type = HprofRecords.gcRoot(tag, recordStart);
          listener.onGcRoot(type, HprofRecords.readGcRoot(type, r));
        }
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

  /** Places {@code e} in the (sub-)record being read, unless it names its own already. */
  private HprofFormatException withContext(HprofFormatException e) {
    String what = subRecord ? HprofTags.subRecordName(recordTag) : HprofTags.recordName(recordTag);
    return e.inRecord(what, recordStart);
  }

  HprofHeader header() {
    return header;
  }
}
