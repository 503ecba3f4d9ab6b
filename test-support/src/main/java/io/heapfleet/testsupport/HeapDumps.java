package io.heapfleet.testsupport;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Real heap dumps for tests: of the running JVM, called from a fixture's {@code main} in a child
 * JVM that {@link JavaCommand} started. Stateless; thread-safe.
 */
public final class HeapDumps {
  private HeapDumps() {}

  /**
   * Dumps the running JVM's heap to {@code file} (HotSpot refuses an existing file, so it is
   * deleted first); {@code live} dumps only reachable objects, after a full GC.
   */
  public static Path dumpThisJvm(Path file, boolean live) {
    try {
      Files.deleteIfExists(file);
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
          .dumpHeap(file.toString(), live);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("the JVM wrote no dump at " + file);
    }
    return file;
  }
}
