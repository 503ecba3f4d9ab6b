package io.heapfleet.analysis.hprof;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Reads an uncompressed dump file with several threads: the file is cut at heap dump segment
 * boundaries into contiguous ranges, and each range is streamed by its own thread into its own
 * listener. The first range holds everything before the heap (STRING, LOAD_CLASS records), so a
 * caller merges the listeners afterwards in range order. Record order inside a range is kept; order
 * across ranges is not. Thread-safe to call; the listeners are each used by one thread.
 */
public final class ParallelHprofReader {
  private ParallelHprofReader() {}

  /**
   * The result: one listener per range, in file order, and the combined summary.
   *
   * @param <L> listener type
   */
  public record Result<L>(List<L> listeners, HprofStreamReader.Summary summary) {}

  /**
   * Streams {@code file} with up to {@code threads} threads.
   *
   * @throws IllegalArgumentException if the file is compressed (only plain files can be split)
   */
  public static <L extends HprofListener> Result<L> read(
      Path file, int threads, Supplier<L> listeners) throws IOException {
    return read(file, threads, listeners, HprofLimits.DEFAULT);
  }

  /** {@link #read(Path, int, Supplier)} within {@code limits} (one budget for all ranges). */
  public static <L extends HprofListener> Result<L> read(
      Path file, int threads, Supplier<L> listeners, HprofLimits limits) throws IOException {
    HprofLimits.Budget budget = limits.newBudget();
    HprofHeader header;
    try (HprofInput input = HprofInput.open(file)) {
      if (input.format() != InputFormat.PLAIN) {
        throw new IllegalArgumentException(
            "only uncompressed dumps can be read in parallel; " + file + " is " + input.format());
      }
      header = input.header();
    }
    long size = Files.size(file);
    List<Long> starts = splitPoints(file, header, size, threads);
    int n = starts.size();
    List<L> results = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      results.add(listeners.get());
    }
    HprofStreamReader.Summary[] summaries = new HprofStreamReader.Summary[n];
    Throwable[] failures = new Throwable[n];
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int k = i;
      long from = starts.get(k);
      long to = k + 1 < n ? starts.get(k + 1) : Long.MAX_VALUE;
      if (k == 0) {
        continue; // the first range runs on the calling thread below
      }
      Runnable work =
          () -> {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
              channel.position(from);
              RecordReader reader =
                  new RecordReader(ByteSource.of(channel), RecordReader.BUFFER_SIZE, from);
              reader.setIdSize(header.idSize());
              summaries[k] =
                  new HprofStreamReader(reader, header, to, k == n - 1, budget)
                      .read(results.get(k));
            } catch (Throwable t) {
              failures[k] = t;
            }
          };
      Thread t = new Thread(work, "hprof-range-" + k);
      t.setDaemon(true);
      t.start();
      workers.add(t);
    }
    long from0 = starts.get(0);
    long to0 = n > 1 ? starts.get(1) : Long.MAX_VALUE;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      channel.position(from0);
      RecordReader reader =
          new RecordReader(ByteSource.of(channel), RecordReader.BUFFER_SIZE, from0);
      reader.setIdSize(header.idSize());
      summaries[0] =
          new HprofStreamReader(reader, header, to0, n == 1, budget).read(results.get(0));
    } catch (Throwable t) {
      failures[0] = t;
    }
    for (Thread t : workers) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while reading " + file, e);
      }
    }
    for (Throwable t : failures) {
      if (t instanceof IOException e) {
        throw e;
      }
      if (t instanceof RuntimeException e) {
        throw e;
      }
      if (t instanceof Error e) {
        throw e;
      }
    }
    long bytes = 0;
    long heapDumps = 0;
    long objects = 0;
    for (HprofStreamReader.Summary s : summaries) {
      bytes = Math.max(bytes, s.bytes());
      heapDumps += s.heapDumpRecords();
      objects += s.objects();
    }
    return new Result<>(results, new HprofStreamReader.Summary(bytes, heapDumps, objects));
  }

  /**
   * Range starts: the end of the header, then the start of the first heap dump record at or after
   * each {@code size × k / threads}. Walks only top-level record headers (skipping bodies by
   * position). A malformed file yields fewer ranges; the range readers then report the error.
   * Public for range scanners outside this package (the histogram's fast path).
   */
  public static List<Long> splitPoints(Path file, HprofHeader header, long size, int threads)
      throws IOException {
    List<Long> starts = new ArrayList<>();
    starts.add((long) header.headerLength());
    if (threads < 2) {
      return starts;
    }
    // Only record headers matter: read 4 KB where the next header lies, parse from that block
    // while headers fall inside it (tens of thousands of small STRING records come first), and
    // jump over segment bodies (HotSpot writes 1 MB segments, so a few thousand per multi-GB dump).
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer block = ByteBuffer.allocate(4096);
      long blockStart = -1;
      int blockLength = 0;
      long start = header.headerLength();
      int k = 1;
      while (k < threads && start + 9 <= size) {
        if (blockStart < 0 || start < blockStart || start + 9 > blockStart + blockLength) {
          block.clear();
          while (block.hasRemaining() && channel.read(block, start + block.position()) > 0) {
            // fill the block
          }
          blockStart = start;
          blockLength = block.position();
          if (blockLength < 9) {
            break; // truncated: the range readers report it
          }
        }
        int at = (int) (start - blockStart);
        int tag = block.get(at) & 0xFF;
        long length = block.getInt(at + 5) & 0xFFFFFFFFL;
        if ((tag == HprofTags.HEAP_DUMP_SEGMENT || tag == HprofTags.HEAP_DUMP)
            && start >= size * k / threads
            && start > starts.get(starts.size() - 1)) {
          starts.add(start);
          k++;
        }
        start += 9 + length;
      }
    }
    return starts;
  }
}
