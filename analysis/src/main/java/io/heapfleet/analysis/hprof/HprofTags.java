package io.heapfleet.analysis.hprof;

/**
 * The HPROF 1.0.2 tag bytes: top-level record tags and heap dump sub-record tags (GC root tags are
 * in {@link GcRootType}), and how error messages name each. The one list every reader of the format
 * uses. Constants rather than an enum so that readers can {@code switch} on the tag byte itself.
 * Stateless and thread-safe.
 */
public final class HprofTags {
  private HprofTags() {}

  // ---- top-level records ----
  public static final int STRING = 0x01;
  public static final int LOAD_CLASS = 0x02;
  public static final int UNLOAD_CLASS = 0x03;
  public static final int STACK_FRAME = 0x04;
  public static final int STACK_TRACE = 0x05;
  public static final int ALLOC_SITES = 0x06;
  public static final int HEAP_SUMMARY = 0x07;
  public static final int START_THREAD = 0x0A;
  public static final int END_THREAD = 0x0B;
  public static final int HEAP_DUMP = 0x0C;
  public static final int CPU_SAMPLES = 0x0D;
  public static final int CONTROL_SETTINGS = 0x0E;
  public static final int HEAP_DUMP_SEGMENT = 0x1C;
  public static final int HEAP_DUMP_END = 0x2C;

  // ---- heap dump sub-records ----
  public static final int CLASS_DUMP = 0x20;
  public static final int INSTANCE_DUMP = 0x21;
  public static final int OBJ_ARRAY_DUMP = 0x22;
  public static final int PRIM_ARRAY_DUMP = 0x23;
  public static final int PRIM_ARRAY_NODATA = 0xC3;
  public static final int HEAP_DUMP_INFO = 0xFE;

  /** The size of a top-level record header: tag (1), time (4), body length (4). */
  public static final int RECORD_HEADER_BYTES = 9;

  private static final GcRootType[] ROOTS = new GcRootType[256];

  static {
    for (GcRootType t : GcRootType.values()) {
      ROOTS[t.tag()] = t;
    }
  }

  /**
   * Whether {@code tag} is a top-level record that heap analysis does not need (threads, stack
   * traces, allocation sites, CPU samples...): readers skip it by its length.
   */
  public static boolean isSkippedRecord(int tag) {
    return switch (tag) {
      case UNLOAD_CLASS,
              STACK_FRAME,
              STACK_TRACE,
              ALLOC_SITES,
              HEAP_SUMMARY,
              START_THREAD,
              END_THREAD,
              CPU_SAMPLES,
              CONTROL_SETTINGS ->
          true;
      default -> false;
    };
  }

  /** The GC root kind of a sub-record tag, or {@code null} when the tag is not a GC root. */
  public static GcRootType gcRoot(int tag) {
    return ROOTS[tag & 0xFF];
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

  /**
   * How error messages name a heap dump sub-record, e.g. {@code INSTANCE_DUMP sub-record}; {@code
   * -1} stands for a sub-record whose tag byte could not be read.
   */
  public static String subRecordName(int tag) {
    return switch (tag) {
      case -1 -> "sub-record";
      case CLASS_DUMP -> "CLASS_DUMP sub-record";
      case INSTANCE_DUMP -> "INSTANCE_DUMP sub-record";
      case OBJ_ARRAY_DUMP -> "OBJ_ARRAY_DUMP sub-record";
      case PRIM_ARRAY_DUMP -> "PRIM_ARRAY_DUMP sub-record";
      default -> {
        GcRootType root = gcRoot(tag);
        yield root != null
            ? "ROOT_" + root.name() + " sub-record"
            : String.format("sub-record with tag 0x%02x", tag);
      }
    };
  }
}
