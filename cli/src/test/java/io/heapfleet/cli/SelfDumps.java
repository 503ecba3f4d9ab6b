package io.heapfleet.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Real heap dumps of the test JVM itself, for the analysis command tests: a series of live dumps
 * with some leaking before each, in a fresh temp directory that {@link #delete} removes. Not
 * thread-safe (one test class's setup at a time).
 */
final class SelfDumps {
  private SelfDumps() {}

  /**
   * Takes {@code count} live dumps {@code dump-<i>.hprof} into {@code dir}, running {@code leak}
   * before each and pausing {@code pauseMillis} after it (over a second gives distinct time
   * stamps).
   */
  static Path[] take(Path dir, int count, Runnable leak, long pauseMillis)
      throws IOException, InterruptedException {
    HotSpotDiagnosticMXBean bean =
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    Path[] dumps = new Path[count];
    for (int i = 0; i < count; i++) {
      leak.run();
      dumps[i] = dir.resolve("dump-" + i + ".hprof");
      bean.dumpHeap(dumps[i].toString(), true);
      Thread.sleep(pauseMillis);
    }
    return dumps;
  }

  /** Deletes {@code dir} and the files in it. */
  static void delete(Path dir) throws IOException {
    if (dir == null) {
      return;
    }
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.deleteIfExists(p);
      }
    }
    Files.deleteIfExists(dir);
  }
}
