package io.heapfleet.analysis.hprof;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Inflater;

/**
 * Decompresses HotSpot's chunked gzip heap dump ({@code jcmd GC.heap_dump -gz=N}: independent gzip
 * members of at most {@code BLOCKSIZE} decompressed bytes each) on several threads, and hands out
 * exactly the bytes a sequential gunzip would.
 *
 * <p>Gzip members do not record their compressed length, so the workers find them: the file is cut
 * into fixed compressed segments; a worker scans its segment for the first offset that looks like a
 * member header, inflates from there (a candidate is kept only if it inflates to at most {@code
 * BLOCKSIZE} bytes with a matching CRC-32 and length trailer), then follows the chain of members,
 * each starting where the previous one ended, up to the first member starting past its segment. The
 * consumer ({@link #read}) knows the true start of the next member (0, then where the previous one
 * ended) and takes a worker's result only for a member that starts exactly there; inflating from a
 * given offset is deterministic, so those bytes are the sequential result. A false candidate (a
 * header signature inside compressed data) or a failed worker only costs time: where no worker
 * result starts at the expected offset, the consumer inflates that member itself, which is also how
 * truncated or corrupt members produce their error (naming the member's compressed offset). Either
 * way a member is checked (CRC-32, length, at most {@code BLOCKSIZE}) before the parser sees a byte
 * of it. Unlike the sequential reader, a member longer than {@code BLOCKSIZE} is an error.
 *
 * <p>Memory is bounded: at most {@code 2 × threads} segments are in flight, each holding at most 8
 * MB (or 2 blocks) of decompressed bytes (a worker stops its chain there, the consumer continues
 * sequentially). Worker threads are daemons and are stopped by {@link #close()}, at the end of the
 * input and on the first error. Single consumer; not thread-safe otherwise.
 */
final class ParallelGzipInputStream extends InputStream {
  /** Compressed bytes per segment: a few HotSpot members at {@code -gz=1}. */
  static final int DEFAULT_SEGMENT = 1024 * 1024;

  private static final AtomicInteger POOLS = new AtomicInteger();

  private final FileChannel channel;
  private final long size;
  private final int blockSize;
  private final int segmentSize;
  private final int outputBudget;
  private final int maxInFlight;
  private final ExecutorService pool;
  private final ArrayDeque<Future<Segment>> inFlight = new ArrayDeque<>();
  private final ConcurrentLinkedQueue<byte[]> spareOutputs = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<WorkerState> workerStates = new ConcurrentLinkedQueue<>();
  private long nextSegmentStart;

  // Consumer state.
  private final Inflater inflater = new Inflater(true);
  private final byte[] in = new byte[128 * 1024];
  private long expected;
  private Segment segment;
  private int memberIndex;
  private byte[] fallbackBuffer;
  private long emitted;
  private byte[] chunk;
  private int chunkPos;
  private int chunkEnd;
  private boolean ended;
  private IOException failure;
  private boolean closed;
  private long membersFromWorkers;
  private long membersInflatedHere;

  /**
   * Reads the whole channel (from offset 0) as chunked gzip.
   *
   * @param blockSize the {@code BLOCKSIZE} from the first member's comment (at most 16 MB)
   * @param threads decompressing threads (≥ 1)
   * @param segmentSize compressed bytes per work unit (small values only for tests)
   */
  ParallelGzipInputStream(FileChannel channel, int blockSize, int threads, int segmentSize)
      throws IOException {
    if (blockSize < 1 || blockSize > 16 * 1024 * 1024) {
      throw new IllegalArgumentException("block size " + blockSize);
    }
    this.channel = channel;
    this.size = channel.size();
    this.blockSize = blockSize;
    this.segmentSize = segmentSize;
    this.outputBudget = Math.max(8 * 1024 * 1024, 2 * blockSize);
    this.maxInFlight = 2 * threads;
    int id = POOLS.incrementAndGet();
    AtomicInteger n = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "hprof-gunzip-" + id + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Decompressed members that a worker found, in order, stored back to back in {@code out}. */
  private static final class Segment {
    final long from;
    final long to;
    byte[] out;
    long[] starts = new long[8];
    long[] ends = new long[8];
    int[] offsets = new int[8];
    int[] lengths = new int[8];
    int count;

    Segment(long from, long to) {
      this.from = from;
      this.to = to;
    }

    void add(long start, long end, int offset, int length) {
      if (count == starts.length) {
        starts = Arrays.copyOf(starts, count * 2);
        ends = Arrays.copyOf(ends, count * 2);
        offsets = Arrays.copyOf(offsets, count * 2);
        lengths = Arrays.copyOf(lengths, count * 2);
      }
      starts[count] = start;
      ends[count] = end;
      offsets[count] = offset;
      lengths[count] = length;
      count++;
    }

    int indexOf(long start) {
      int i = Arrays.binarySearch(starts, 0, count, start);
      return i >= 0 ? i : -1;
    }
  }

  // ---- workers ----

  private Segment inflateSegment(long from, long to) throws IOException {
    Segment s = new Segment(from, to);
    byte[] out = spareOutputs.poll();
    s.out = out != null ? out : new byte[outputBudget];
    WorkerState w = workerStates.poll();
    if (w == null) {
      w = new WorkerState(segmentSize + 3);
    }
    // The scan needs 3 bytes past the segment to recognise a header starting at its last byte.
    int scanLength = (int) (Math.min(size, to + 3) - from);
    byte[] scan = w.scan;
    ByteBuffer b = ByteBuffer.wrap(scan, 0, scanLength);
    while (b.hasRemaining() && channel.read(b, from + b.position()) >= 0) {
      // positional reads: the consumer and other workers share the channel
    }
    Inflater inf = w.inflater;
    byte[] input = w.input;
    byte[] probe = w.probe;
    try {
      int outLength = 0;
      long p = from;
      boolean chained = false;
      while (p < to && !Thread.currentThread().isInterrupted()) {
        if (!chained) {
          int i = (int) (p - from);
          while (i < to - from && !GzipMember.looksLikeHeader(scan, i, scan.length)) {
            i++;
          }
          if (i >= to - from) {
            break;
          }
          p = from + i;
        }
        if (s.out.length - outLength < blockSize) {
          break; // output budget spent: the consumer goes on from here
        }
        long end = tryMember(p, inf, input, probe, s.out, outLength);
        if (end < 0) {
          if (chained) {
            break; // the consumer inflates it itself, and reports the error if it is one
          }
          p++; // not a member after all: look for the next candidate
          continue;
        }
        int length = (int) (inf.getBytesWritten());
        s.add(p, end, outLength, length);
        outLength += length;
        p = end;
        chained = true;
      }
    } finally {
      workerStates.offer(w);
    }
    return s;
  }

  /** A worker's reusable buffers and inflater (kept between segments: no garbage per segment). */
  private static final class WorkerState {
    final byte[] scan;
    final byte[] input = new byte[64 * 1024];
    final byte[] probe = new byte[1];
    final Inflater inflater = new Inflater(true);

    WorkerState(int scanSize) {
      this.scan = new byte[scanSize];
    }
  }

  /**
   * Inflates the member at {@code start} into {@code out} from {@code offset}: its end offset, or
   * -1 if it is not a valid member of at most {@code blockSize} decompressed bytes.
   */
  private long tryMember(
      long start, Inflater inf, byte[] input, byte[] probe, byte[] out, int offset)
      throws IOException {
    try {
      GzipMember m = GzipMember.open(channel, size, start, inf, input);
      int n = 0;
      while (n < blockSize) {
        int k = m.read(out, offset + n, blockSize - n);
        if (k < 0) {
          return m.end();
        }
        n += k;
      }
      return m.read(probe, 0, 1) < 0 ? m.end() : -1;
    } catch (java.nio.channels.ClosedChannelException e) {
      throw e;
    } catch (IOException e) {
      return -1;
    }
  }

  // ---- consumer ----

  private void submitSegments() {
    while (inFlight.size() < maxInFlight && nextSegmentStart < size) {
      long from = nextSegmentStart;
      long to = Math.min(size, from + segmentSize);
      inFlight.add(pool.submit(() -> inflateSegment(from, to)));
      nextSegmentStart = to;
    }
  }

  private Segment nextSegment() throws IOException {
    submitSegments();
    Future<Segment> next = inFlight.poll();
    if (next == null) {
      return null;
    }
    submitSegments();
    try {
      return next.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for decompressed data");
    } catch (ExecutionException e) {
      // The consumer will inflate this segment itself and meet the same problem, if real.
      return null;
    }
  }

  /** Sets up the next piece of output (a worker's member or a member to inflate here). */
  private boolean advance() throws IOException {
    while (true) {
      if (segment == null) {
        if (expected >= size) {
          return false;
        }
        segment = nextSegment();
        if (segment == null) {
          // Nothing more from the workers (or a worker failed): inflate here.
          inflateHere();
          return true;
        }
        memberIndex = segment.indexOf(expected);
      }
      if (expected >= segment.to) {
        release(segment);
        segment = null;
        continue;
      }
      if (memberIndex >= 0
          && memberIndex < segment.count
          && segment.starts[memberIndex] == expected) {
        chunk = segment.out;
        chunkPos = segment.offsets[memberIndex];
        chunkEnd = chunkPos + segment.lengths[memberIndex];
        expected = segment.ends[memberIndex];
        memberIndex++;
        membersFromWorkers++;
        return true;
      }
      inflateHere();
      return true;
    }
  }

  /**
   * Inflates the member at {@code expected} on this thread, completely and checked (CRC-32, length)
   * before any byte is handed out, so corrupt data fails as such and never reaches the parser. A
   * member longer than the declared {@code BLOCKSIZE} is not HotSpot's format and fails too (that
   * also bounds the memory).
   */
  private void inflateHere() throws IOException {
    membersInflatedHere++;
    if (fallbackBuffer == null) {
      fallbackBuffer = new byte[blockSize];
    }
    GzipMember m = GzipMember.open(channel, size, expected, inflater, in);
    int n = 0;
    int k = 0;
    while (n < blockSize && (k = m.read(fallbackBuffer, n, blockSize - n)) >= 0) {
      n += k;
    }
    if (k >= 0 && m.read(new byte[1], 0, 1) >= 0) {
      throw new java.util.zip.ZipException(
          "gzip member at compressed offset "
              + m.start()
              + " decompresses to more than the "
              + blockSize
              + " bytes declared by HPROF BLOCKSIZE in the first member");
    }
    chunk = fallbackBuffer;
    chunkPos = 0;
    chunkEnd = n;
    expected = m.end();
    if (segment != null) {
      memberIndex = segment.indexOf(expected);
    }
  }

  private void release(Segment s) {
    // Keep as many as can be in use at once, so steady state allocates none.
    if (s.out != null && spareOutputs.size() < maxInFlight) {
      spareOutputs.offer(s.out);
    }
    s.out = null;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (closed) {
      throw new IOException("stream closed");
    }
    if (len == 0) {
      return 0;
    }
    try {
      while (true) {
        if (chunkPos < chunkEnd) {
          int k = Math.min(len, chunkEnd - chunkPos);
          System.arraycopy(chunk, chunkPos, b, off, k);
          chunkPos += k;
          emitted += k;
          return k;
        }
        if (ended || !advance()) {
          if (!ended) {
            ended = true;
            pool.shutdown();
          }
          return -1;
        }
      }
    } catch (IOException | RuntimeException e) {
      pool.shutdownNow();
      // Worded like RecordReader's own wrapping, so that skips (which it does not wrap) and
      // reads report the same: the decompressed offset, and the member's compressed offset.
      failure =
          e instanceof HprofFormatException f
              ? f
              : new HprofFormatException(
                  emitted,
                  "Cannot read the input: " + e.getClass().getSimpleName() + ": " + e.getMessage(),
                  e);
      throw failure;
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  /** Members whose bytes came from a worker so far. */
  long membersFromWorkers() {
    return membersFromWorkers;
  }

  /** Members the consumer inflated itself so far (no worker result started at their offset). */
  long membersInflatedHere() {
    return membersInflatedHere;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    pool.shutdownNow();
    try {
      if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
        throw new IOException("gunzip threads did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      inflater.end();
      for (WorkerState w; (w = workerStates.poll()) != null; ) {
        w.inflater.end();
      }
      channel.close();
    }
  }
}
