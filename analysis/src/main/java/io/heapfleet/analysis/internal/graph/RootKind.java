package io.heapfleet.analysis.internal.graph;

/**
 * Why an object is a GC root, as the HPROF heap-dump sub-records say; plus {@link #CLASS}: every
 * loaded class is treated as a root so that a leak under a static field is reported as {@code
 * static Owner.FIELD → …}, as MAT and Shark do, rather than through the class loader's internals.
 */
public enum RootKind {
  JNI_GLOBAL("JNI global"),
  JNI_LOCAL("JNI local"),
  JAVA_FRAME("Java stack frame"),
  NATIVE_STACK("native stack"),
  STICKY_CLASS("system class"),
  THREAD_BLOCK("thread block"),
  MONITOR_USED("busy monitor"),
  THREAD_OBJECT("thread"),
  UNKNOWN("unknown root"),
  CLASS("class");

  private final String label;

  RootKind(String label) {
    this.label = label;
  }

  /** A short human label, e.g. {@code "Java stack frame"}. */
  public String label() {
    return label;
  }
}
