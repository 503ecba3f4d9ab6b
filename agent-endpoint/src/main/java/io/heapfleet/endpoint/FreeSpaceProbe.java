package io.heapfleet.endpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How much disk a directory has left. A seam so that tests can simulate a full disk (507) without
 * filling one. Implementations must be thread-safe.
 */
public interface FreeSpaceProbe {

  /** The file system's usable bytes for {@code dir}. */
  long usableBytes(Path dir) throws IOException;

  /** The real file system. */
  static FreeSpaceProbe fileSystem() {
    return dir -> Files.getFileStore(dir).getUsableSpace();
  }
}
