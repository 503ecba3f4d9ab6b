package io.heapfleet.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs the heapfleet command line in a child JVM and, before exiting, writes the process's peak
 * resident set ({@code VmHWM} of {@code /proc/self/status}) to stderr as {@code peak-rss-kb N}: the
 * figure a parent cannot read once the child has gone.
 */
public final class PeakRssMain {
  private PeakRssMain() {}

  public static void main(String[] args) throws IOException {
    int code = HeapfleetCommand.newCommandLine().execute(args);
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        System.err.println("peak-rss-kb " + line.replaceAll("[^0-9]", ""));
      }
    }
    System.exit(code);
  }
}
