package io.heapfleet.cli;

import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.histogram.ClassHistograms;
import io.heapfleet.analysis.histogram.HeapRuntime;
import io.heapfleet.analysis.hprof.HprofFormatException;
import io.heapfleet.analysis.json.AnalysisJson;
import io.heapfleet.analysis.v8.HeapSnapshots;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads the class histogram of a command-line argument for histo/diff/trend: a heap dump (HPROF:
 * plain, gzip, chunked gzip, zstd; a V8 heap snapshot: plain or gzip; detected by content) or a
 * stored histogram summary JSON (what {@code histo --format json} writes and the collector stores
 * beside each dump).
 */
final class HistogramInputs {
  private HistogramInputs() {}

  static ClassHistogram load(Path path) {
    if (!Files.isRegularFile(path)) {
      throw UserException.badInput("No such file: " + path);
    }
    try {
      if (!HeapSnapshots.isHeapSnapshot(path) && isJson(path)) {
        try (InputStream in = Files.newInputStream(path)) {
          return AnalysisJson.readHistogram(in);
        }
      }
      return ClassHistograms.of(path);
    } catch (HprofFormatException e) {
      throw new UserException(ExitCode.BAD_INPUT, path + ": " + e.getMessage(), e);
    } catch (NoSuchFileException e) {
      throw UserException.badInput("No such file: " + path);
    } catch (IOException e) {
      // AnalysisJsonException (bad summary) is also an IOException; its message names the problem.
      throw new UserException(ExitCode.BAD_INPUT, path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Refuses to compare a JVM's histograms with a Node.js process's: their classes have nothing in
   * common, and a trend over both would call the switch a leak.
   */
  static void requireOneRuntime(List<ClassHistogram> histograms, List<Path> paths) {
    for (int i = 1; i < histograms.size(); i++) {
      if (histograms.get(i).runtime() != histograms.get(0).runtime()) {
        throw UserException.badInput(
            paths.get(0)
                + " is a "
                + describe(histograms.get(0).runtime())
                + " but "
                + paths.get(i)
                + " is a "
                + describe(histograms.get(i).runtime())
                + ": compare dumps of one process");
      }
    }
  }

  private static String describe(HeapRuntime r) {
    return r == HeapRuntime.NODE ? "Node.js heap snapshot" : "JVM heap dump";
  }

  private static boolean isJson(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      int b;
      do {
        b = in.read();
      } while (b == ' ' || b == '\n' || b == '\r' || b == '\t');
      return b == '{';
    }
  }
}
