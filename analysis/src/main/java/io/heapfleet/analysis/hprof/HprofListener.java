package io.heapfleet.analysis.hprof;

import java.io.IOException;

/**
 * Callbacks of {@link HprofStreamReader}, one per record or heap-dump sub-record. Every method has
 * an empty default; implement the ones you need.
 *
 * <p>Body callbacks ({@link #onInstanceDump}, {@link #onObjectArrayDump}, {@link
 * #onPrimitiveArrayDump}) are handed the reader positioned at the start of the body (field values,
 * array elements). The listener may read any prefix of the body through it, or nothing; the stream
 * reader skips the rest by length afterwards, so unread bytes cost nothing. The reader is only
 * valid during the callback; {@link RecordReader#position()} at entry is the body's file offset,
 * which a graph index can keep to re-read the body later.
 */
public interface HprofListener {

  /** A {@code STRING} record (UTF-8): class, field and method names. */
  default void onString(long id, String text) throws IOException {}

  /** A {@code LOAD_CLASS} record: gives a class id its name (a string id). */
  default void onLoadClass(int classSerial, long classId, int stackTraceSerial, long nameStringId)
      throws IOException {}

  /** A GC root sub-record. */
  default void onGcRoot(GcRootType type, long objectId) throws IOException {}

  /** A {@code CLASS_DUMP} sub-record, fully decoded. */
  default void onClassDump(ClassDump classDump) throws IOException {}

  /**
   * An {@code INSTANCE_DUMP}: {@code fieldsLength} bytes of field values follow in {@code body}, in
   * the order given by {@link ClassDump#instanceFields()} of the class, then its superclass, etc.
   */
  default void onInstanceDump(long objectId, long classId, int fieldsLength, RecordReader body)
      throws IOException {}

  /** An {@code OBJ_ARRAY_DUMP}: {@code length} element ids follow in {@code body}. */
  default void onObjectArrayDump(long arrayId, long arrayClassId, int length, RecordReader body)
      throws IOException {}

  /** A {@code PRIM_ARRAY_DUMP}: {@code length} elements of {@code elementType} follow. */
  default void onPrimitiveArrayDump(
      long arrayId, BasicType elementType, int length, RecordReader body) throws IOException {}

  /** End of the heap dump ({@code HEAP_DUMP_END}, or the end of a non-segmented HEAP_DUMP). */
  default void onHeapDumpEnd() throws IOException {}

  /**
   * Whether to decode {@code STRING} records into {@link #onString}; when false they are skipped by
   * length.
   */
  default boolean wantsStrings() {
    return true;
  }
}
