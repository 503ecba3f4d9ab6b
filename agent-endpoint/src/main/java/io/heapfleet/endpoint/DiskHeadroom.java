package io.heapfleet.endpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether the temp directory has room for a dump: free space of at least the heap in use plus the
 * configured reserve, so that a dump never fills the task's disk (507 otherwise). Immutable;
 * thread-safe.
 */
final class DiskHeadroom {

  private final Path dir;
  private final long reserve;
  private final FreeSpaceProbe freeSpace;

  DiskHeadroom(Path dir, long reserve, FreeSpaceProbe freeSpace) {
    this.dir = dir;
    this.reserve = reserve;
    this.freeSpace = freeSpace;
  }

  Path dir() {
    return dir;
  }

  /**
   * Creates the directory if needed; then why a dump of {@code heapUsed} bytes does not fit, or
   * empty when it does.
   */
  Optional<String> shortfall(long heapUsed) throws IOException {
    Files.createDirectories(dir);
    long usable = freeSpace.usableBytes(dir);
    if (usable >= heapUsed + reserve) {
      return Optional.empty();
    }
    return Optional.of(
        "not enough free disk in "
            + dir
            + " for a dump: heap in use "
            + mb(heapUsed)
            + " + reserve "
            + mb(reserve)
            + " > free "
            + mb(usable));
  }

  private static String mb(long bytes) {
    return (bytes >> 20) + " MiB";
  }
}
