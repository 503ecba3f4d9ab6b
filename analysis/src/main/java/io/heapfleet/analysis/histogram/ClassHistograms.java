package io.heapfleet.analysis.histogram;

import io.heapfleet.analysis.hprof.HprofFormatException;
import io.heapfleet.analysis.hprof.HprofInput;
import io.heapfleet.analysis.hprof.HprofStreamReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Builds {@link ClassHistogram}s from heap dumps in one streaming pass. Memory is bounded by the
 * number of classes (and names) in the dump, never by the number of objects. Stateless.
 */
public final class ClassHistograms {
  private ClassHistograms() {}

  /** The histogram of a dump file (plain, gzip, chunked gzip or zstd). */
  public static ClassHistogram of(Path dump) throws IOException {
    try (HprofInput input = HprofInput.open(dump)) {
      return of(input);
    }
  }

  /**
   * The histogram of a dump arriving as a stream; the stream is read to the end (never buffered
   * whole) and closed.
   */
  public static ClassHistogram of(InputStream dump) throws IOException {
    try (HprofInput input = HprofInput.open(dump)) {
      return of(input);
    }
  }

  /** The histogram of an opened input (which must not have been read yet). */
  public static ClassHistogram of(HprofInput input) throws IOException {
    HistogramBuilder builder = new HistogramBuilder(input.header());
    HprofStreamReader.Summary summary = input.read(builder);
    if (summary.heapDumpRecords() == 0) {
      throw new HprofFormatException(
          summary.bytes(),
          "The input has no HEAP_DUMP or HEAP_DUMP_SEGMENT record, so no heap to count"
              + " (truncated before the heap, or not a heap dump)");
    }
    return builder.build();
  }
}
