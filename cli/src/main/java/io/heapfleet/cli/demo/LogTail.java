package io.heapfleet.cli.demo;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Follows a child's log file: each {@link #newLines()} returns the complete lines appended since
 * the last call (a line still being written waits for its newline). Reads at most {@value
 * #MAX_READ} bytes per call, so a runaway log cannot exhaust memory. Not thread-safe.
 */
final class LogTail {
  private static final int MAX_READ = 1 << 20;

  private final Path file;
  private long offset;

  LogTail(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  /** The complete lines appended since the last call; empty when the file does not exist yet. */
  List<String> newLines() throws IOException {
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    byte[] chunk;
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long length = f.length();
      if (length < offset) {
        offset = 0; // truncated: start again
      }
      int n = (int) Math.min(MAX_READ, length - offset);
      chunk = new byte[n];
      f.seek(offset);
      f.readFully(chunk);
    }
    int end = chunk.length;
    while (end > 0 && chunk[end - 1] != '\n') {
      end--;
    }
    if (end == 0 && chunk.length == MAX_READ) {
      end = chunk.length; // one line longer than a read: take it in pieces
    }
    offset += end;
    List<String> lines = new ArrayList<>();
    for (String l : new String(chunk, 0, end, StandardCharsets.UTF_8).split("\n", -1)) {
      if (!l.isEmpty()) {
        lines.add(l);
      }
    }
    return lines;
  }
}
