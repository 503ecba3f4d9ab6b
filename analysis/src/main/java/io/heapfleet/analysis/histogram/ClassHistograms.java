package io.heapfleet.analysis.histogram;

import io.heapfleet.analysis.hprof.HprofFormatException;
import io.heapfleet.analysis.hprof.HprofHeader;
import io.heapfleet.analysis.hprof.HprofInput;
import io.heapfleet.analysis.hprof.HprofStreamReader;
import io.heapfleet.analysis.hprof.InputFormat;
import io.heapfleet.analysis.hprof.ParallelHprofReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds {@link ClassHistogram}s from heap dumps in one streaming pass. Memory is bounded by the
 * number of classes (and names) in the dump, never by the number of objects. Stateless.
 */
public final class ClassHistograms {
  private ClassHistograms() {}

  /** Plain files at least this big are read by several threads (one per core, up to 4). */
  static final long PARALLEL_MIN_BYTES = 64L * 1024 * 1024;

  /**
   * The histogram of a dump file (plain, gzip, chunked gzip or zstd). A large uncompressed file is
   * cut at heap dump segment boundaries and read by one thread per core.
   */
  public static ClassHistogram of(Path dump) throws IOException {
    int threads = Math.min(4, Runtime.getRuntime().availableProcessors());
    InputFormat format;
    try (HprofInput input = HprofInput.open(dump)) {
      format = input.format();
      if (format != InputFormat.PLAIN || threads < 2 || Files.size(dump) < PARALLEL_MIN_BYTES) {
        return of(input);
      }
    }
    return parallel(dump, threads);
  }

  /** Reads an uncompressed dump with {@code threads} threads (tests force small files here). */
  static ClassHistogram parallel(Path dump, int threads) throws IOException {
    HprofHeader[] header = new HprofHeader[1];
    try (HprofInput input = HprofInput.open(dump)) {
      header[0] = input.header();
    }
    ParallelHprofReader.Result<HistogramBuilder> result =
        ParallelHprofReader.read(dump, threads, () -> new HistogramBuilder(header[0]));
    if (result.summary().heapDumpRecords() == 0) {
      throw noHeap(result.summary());
    }
    HistogramBuilder first = result.listeners().get(0);
    for (int i = 1; i < result.listeners().size(); i++) {
      first.mergeFrom(result.listeners().get(i));
    }
    return first.build();
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
      throw noHeap(summary);
    }
    return builder.build();
  }

  private static HprofFormatException noHeap(HprofStreamReader.Summary summary) {
    return new HprofFormatException(
        summary.bytes(),
        "The input has no HEAP_DUMP or HEAP_DUMP_SEGMENT record, so no heap to count"
            + " (truncated before the heap, or not a heap dump)");
  }
}
