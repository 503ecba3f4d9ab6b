package io.heapfleet.testsupport.hprof;

/**
 * The GC root sub-records {@link HprofWriter} can write (HotSpot's and Android's), with their tag
 * byte. It repeats the reader's {@code io.heapfleet.analysis.hprof.GcRootType} on purpose: the
 * writer is the independent oracle the reader's tests check against, so it takes its tags from the
 * format, not from the code under test (a wrong tag in one is caught by the other). It cannot use
 * the reader's enum anyway: {@code analysis}'s tests depend on this module, and Maven forbids the
 * cycle.
 */
public enum HprofRootType {
  UNKNOWN(0xFF),
  JNI_GLOBAL(0x01),
  JNI_LOCAL(0x02),
  JAVA_FRAME(0x03),
  NATIVE_STACK(0x04),
  STICKY_CLASS(0x05),
  THREAD_BLOCK(0x06),
  MONITOR_USED(0x07),
  THREAD_OBJECT(0x08),
  INTERNED_STRING(0x89),
  FINALIZING(0x8A),
  DEBUGGER(0x8B),
  REFERENCE_CLEANUP(0x8C),
  VM_INTERNAL(0x8D),
  JNI_MONITOR(0x8E),
  UNREACHABLE(0x90);

  private final int tag;

  HprofRootType(int tag) {
    this.tag = tag;
  }

  /** The sub-record tag byte. */
  public int tag() {
    return tag;
  }
}
