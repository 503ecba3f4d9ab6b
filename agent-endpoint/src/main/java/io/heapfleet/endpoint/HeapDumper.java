package io.heapfleet.endpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes this JVM's heap to a file. A strategy so that tests can hold a dump in progress (to prove
 * the one-at-a-time rule) and so that other JVMs can be supported. Implementations must be
 * thread-safe; the endpoint calls them one at a time anyway.
 */
public interface HeapDumper {

  /**
   * Writes an HPROF dump of this JVM's heap to {@code file}, which must not exist.
   *
   * @param live dump only reachable objects (a full GC runs first)
   * @throws HeapDumpUnavailableException this JVM cannot dump its heap (answered with 503)
   * @throws IOException the dump failed (answered with 500)
   */
  void dumpHeap(Path file, boolean live) throws IOException;

  /**
   * Throws when this JVM cannot dump at all, so the endpoint answers 503 before a response starts.
   *
   * @throws HeapDumpUnavailableException naming the reason
   */
  default void checkAvailable() {}
}
