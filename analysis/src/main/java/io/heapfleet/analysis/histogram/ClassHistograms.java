package io.heapfleet.analysis.histogram;

import io.heapfleet.analysis.hprof.HprofFormatException;
import io.heapfleet.analysis.hprof.HprofHeader;
import io.heapfleet.analysis.hprof.HprofInput;
import io.heapfleet.analysis.hprof.HprofLimitException;
import io.heapfleet.analysis.hprof.HprofLimits;
import io.heapfleet.analysis.hprof.HprofStreamReader;
import io.heapfleet.analysis.hprof.InputFormat;
import io.heapfleet.analysis.hprof.ParallelHprofReader;
import io.heapfleet.analysis.v8.HeapSnapshots;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds {@link ClassHistogram}s from heap dumps in one streaming pass. Memory is bounded by the
 * number of classes (and names) in the dump, never by the number of objects. Stateless.
 */
public final class ClassHistograms {
  private ClassHistograms() {}

  /** Plain files at least this big are read by several threads (one per core, up to 4). */
  static final long PARALLEL_MIN_BYTES = 64L * 1024 * 1024;

  /**
   * The histogram of a dump file (plain, gzip, chunked gzip or zstd). An uncompressed file takes
   * the fast path ({@link FastHistogramScanner}); a large one is cut at heap dump segment
   * boundaries and scanned by one thread per core (up to 4). Compressed files are streamed by the
   * general reader. A V8 heap snapshot (Node.js; plain or gzip, detected from the content) is read
   * by {@link HeapSnapshots}. Within {@link HprofLimits#DEFAULT}.
   */
  public static ClassHistogram of(Path dump) throws IOException {
    return of(dump, HprofLimits.DEFAULT);
  }

  /**
   * {@link #of(Path)} within {@code limits}: a dump that exceeds them, or runs the heap out, fails
   * with an {@link HprofLimitException}.
   */
  public static ClassHistogram of(Path dump, HprofLimits limits) throws IOException {
    if (HeapSnapshots.isHeapSnapshot(dump)) {
      return HeapSnapshots.histogram(dump);
    }
    int threads = Math.min(4, Runtime.getRuntime().availableProcessors());
    HprofHeader header = HprofInput.plainHeader(dump);
    if (header == null) {
      try (HprofInput input = HprofInput.open(dump)) { // compressed, or says what is wrong
        if (input.format() != InputFormat.PLAIN) {
          return of(input.withLimits(limits));
        }
        header = input.header();
      }
    }
    boolean small = Files.size(dump) < PARALLEL_MIN_BYTES;
    return READ_INSTEAD_OF_MAP
        ? scan(dump, header, small ? 1 : threads, FastHistogramScanner.BUFFER_SIZE, false, limits)
        : scan(dump, header, small ? 1 : threads, FastHistogramScanner.MAP_WINDOW, true, limits);
  }

  /**
   * Scans an uncompressed dump with the fast path and up to {@code threads} threads (tests force
   * small files here).
   */
  static ClassHistogram parallel(Path dump, int threads) throws IOException {
    return READ_INSTEAD_OF_MAP
        ? parallel(dump, threads, FastHistogramScanner.BUFFER_SIZE, false)
        : parallel(dump, threads, FastHistogramScanner.MAP_WINDOW, true);
  }

  /**
   * {@code -Dheapfleet.histogram.read=true}: read the file into a buffer instead of mapping it (for
   * comparison, or a file system where mapping misbehaves).
   */
  private static final boolean READ_INSTEAD_OF_MAP = Boolean.getBoolean("heapfleet.histogram.read");

  /**
   * {@link #parallel(Path, int)} with another buffer or window size (tests make buffer ends
   * frequent) and either mapped windows or reads.
   */
  static ClassHistogram parallel(Path dump, int threads, int bufferSize, boolean mapped)
      throws IOException {
    HprofHeader header;
    try (HprofInput input = HprofInput.open(dump)) {
      if (input.format() != InputFormat.PLAIN) {
        throw new IllegalArgumentException("only uncompressed dumps take the fast path: " + dump);
      }
      header = input.header();
    }
    return scan(dump, header, threads, bufferSize, mapped, HprofLimits.DEFAULT);
  }

  private static ClassHistogram scan(
      Path dump,
      HprofHeader header,
      int threads,
      int bufferSize,
      boolean mapped,
      HprofLimits limits)
      throws IOException {
    try {
      return scanRanges(dump, header, threads, bufferSize, mapped, limits);
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof HprofLimitException l) {
        throw l; // the class cap, hit while merging the ranges
      }
      throw e;
    } catch (OutOfMemoryError e) {
      throw HprofLimitException.outOfMemory(e);
    }
  }

  private static ClassHistogram scanRanges(
      Path dump,
      HprofHeader header,
      int threads,
      int bufferSize,
      boolean mapped,
      HprofLimits limits)
      throws IOException {
    HprofLimits.Budget budget = limits.newBudget();
    long size = Files.size(dump);
    List<Long> starts = ParallelHprofReader.splitPoints(dump, header, size, threads);
    int n = starts.size();
    HistogramBuilder[] builders = new HistogramBuilder[n];
    long[] heapDumps = new long[n];
    Throwable[] failures = new Throwable[n];
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      builders[i] = new HistogramBuilder(header, limits);
    }
    for (int i = n - 1; i >= 0; i--) {
      int k = i;
      long from = starts.get(k);
      long to = k + 1 < n ? starts.get(k + 1) : Long.MAX_VALUE;
      Runnable work =
          () -> {
            try (FileChannel channel = FileChannel.open(dump, StandardOpenOption.READ)) {
              FastHistogramScanner scanner =
                  new FastHistogramScanner(
                      channel, size, builders[k], header.idSize(), bufferSize, mapped, budget);
              try {
                heapDumps[k] = scanner.scan(from, to, k == n - 1);
              } finally {
                scanner.close();
              }
            } catch (Throwable t) {
              failures[k] = t;
            }
          };
      if (k == 0) {
        work.run(); // the first range (strings, class names) on the calling thread
      } else {
        Thread t = new Thread(work, "histogram-range-" + k);
        t.setDaemon(true);
        t.start();
        workers.add(t);
      }
    }
    for (Thread t : workers) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while reading " + dump, e);
      }
    }
    for (Throwable t : failures) {
      if (t instanceof IOException e) {
        throw e;
      }
      if (t instanceof RuntimeException e) {
        throw e;
      }
      if (t instanceof InternalError e && mapped) {
        // A mapped page that no longer exists: the file shrank while it was scanned.
        throw new IOException(
            "Cannot read " + dump + ": the file changed (was truncated?) while it was read", e);
      }
      if (t instanceof Error e) {
        throw e;
      }
    }
    long total = 0;
    for (long h : heapDumps) {
      total += h;
    }
    if (total == 0) {
      throw noHeap(size);
    }
    for (int i = 1; i < n; i++) {
      builders[0].mergeFrom(builders[i]);
    }
    return builders[0].build();
  }

  /**
   * The general (listener) path for an uncompressed file, kept so tests can prove the fast path
   * gives the same histogram: {@link HprofStreamReader} alone, or {@link ParallelHprofReader}.
   */
  static ClassHistogram viaListener(Path dump, int threads) throws IOException {
    if (threads < 2) {
      try (HprofInput input = HprofInput.open(dump)) {
        return of(input);
      }
    }
    HprofHeader[] header = new HprofHeader[1];
    try (HprofInput input = HprofInput.open(dump)) {
      header[0] = input.header();
    }
    ParallelHprofReader.Result<HistogramBuilder> result =
        ParallelHprofReader.read(dump, threads, () -> new HistogramBuilder(header[0]));
    if (result.summary().heapDumpRecords() == 0) {
      throw noHeap(result.summary().bytes());
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
    return of(dump, HprofLimits.DEFAULT);
  }

  /**
   * {@link #of(InputStream)} within {@code limits}: a dump that exceeds them (inflates past {@link
   * HprofLimits#maxHprofBytes()}, say), or runs the heap out, fails with an {@link
   * HprofLimitException} and the rest of the stream is not read.
   */
  public static ClassHistogram of(InputStream dump, HprofLimits limits) throws IOException {
    try (HprofInput input = HprofInput.open(dump)) {
      return of(input.withLimits(limits));
    }
  }

  /**
   * The histogram of an opened input (which must not have been read yet), within the input's {@link
   * HprofInput#limits()}.
   */
  public static ClassHistogram of(HprofInput input) throws IOException {
    try {
      HistogramBuilder builder = new HistogramBuilder(input.header(), input.limits());
      HprofStreamReader.Summary summary = input.read(builder);
      if (summary.heapDumpRecords() == 0) {
        throw noHeap(summary.bytes());
      }
      return builder.build();
    } catch (OutOfMemoryError e) {
      throw HprofLimitException.outOfMemory(e);
    }
  }

  private static HprofFormatException noHeap(long bytes) {
    return new HprofFormatException(
        bytes,
        "The input has no HEAP_DUMP or HEAP_DUMP_SEGMENT record, so no heap to count"
            + " (truncated before the heap, or not a heap dump)");
  }
}
