package io.heapfleet.analysis.internal.graph;

import io.heapfleet.analysis.report.Format;
import io.heapfleet.analysis.retainer.GraphTooLargeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Hands out the big primitive arrays of the object graph and the dominator tree, and the chunks of
 * the buffers that collect a dump while it streams: on the heap while the bytes handed out stay
 * within {@code heapBudgetBytes}, otherwise as memory-mapped temp files under {@code
 * spillDirectory} (the OS page cache then holds what fits and pages the rest). Before it spills it
 * checks that the directory's file system has the room: a mapping written past a full disk would
 * crash the JVM, so it fails with a {@link GraphTooLargeException} instead. {@link #close()} unmaps
 * nothing explicitly (the JDK has no public unmap) but deletes every temp file; on Linux the space
 * is freed once the mappings are collected.
 *
 * <p>Not thread-safe: one analysis uses one allocator from one thread.
 */
public final class ArrayAllocator implements AutoCloseable {
  private static final long MAX_HEAP_ELEMENTS = Integer.MAX_VALUE - 16;
  private static final long MAPPING_BYTES = 1L << 30;

  private final long heapBudgetBytes;
  private final Path spillDirectory;
  private final List<Path> tempFiles = new ArrayList<>();
  private long heapBytes;
  private long spilledBytes;

  /**
   * @param heapBudgetBytes bytes of arrays to keep on the heap before spilling; {@code
   *     Long.MAX_VALUE} never spills (except arrays too long for Java)
   * @param spillDirectory where temp files go, e.g. {@code java.io.tmpdir}
   */
  public ArrayAllocator(long heapBudgetBytes, Path spillDirectory) {
    if (heapBudgetBytes < 0) {
      throw new IllegalArgumentException("heapBudgetBytes must be >= 0 but was " + heapBudgetBytes);
    }
    this.heapBudgetBytes = heapBudgetBytes;
    this.spillDirectory = spillDirectory;
  }

  /** An allocator that keeps everything on the heap. */
  public static ArrayAllocator onHeap() {
    return new ArrayAllocator(Long.MAX_VALUE, Path.of(System.getProperty("java.io.tmpdir")));
  }

  public IntArray ints(long length) {
    checkLength(length);
    long bytes = length * 4;
    if (length <= MAX_HEAP_ELEMENTS && fitsOnHeap(bytes)) {
      heapBytes += bytes;
      return new IntArray.OnHeap((int) length);
    }
    return new MappedIntArray(map(bytes), length);
  }

  public LongArray longs(long length) {
    checkLength(length);
    long bytes = length * 8;
    if (length <= MAX_HEAP_ELEMENTS && fitsOnHeap(bytes)) {
      heapBytes += bytes;
      return new LongArray.OnHeap((int) length);
    }
    return new MappedLongArray(map(bytes), length);
  }

  /**
   * Accounts {@code bytes} of heap for a caller that allocates them itself (a chunk of a streaming
   * buffer) if they fit the budget and the free heap; false means: spill them instead.
   */
  boolean reserveHeap(long bytes) {
    if (!fitsOnHeap(bytes)) {
      return false;
    }
    heapBytes += bytes;
    return true;
  }

  /** Gives back bytes accounted by {@link #reserveHeap(long)}. */
  void releaseHeap(long bytes) {
    heapBytes -= bytes;
  }

  /** A new temp file that grows by mapped regions (for a buffer whose final size is unknown). */
  SpillFile spillFile() {
    try {
      Files.createDirectories(spillDirectory);
      Path file = Files.createTempFile(spillDirectory, "heapfleet-load-", ".bin");
      tempFiles.add(file);
      return new SpillFile(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a spill file in " + spillDirectory, e);
    }
  }

  /**
   * A temp file mapped region by region, owned by this allocator (deleted by {@link #close()} at
   * the latest). Not thread-safe.
   */
  final class SpillFile {
    private final Path file;
    private boolean deleted;

    private SpillFile(Path file) {
      this.file = file;
    }

    /** Maps {@code [offset, offset + bytes)}, growing the file as needed. */
    MappedByteBuffer map(long offset, long bytes) {
      checkDiskRoom(bytes);
      try (FileChannel channel =
          FileChannel.open(
              file, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.SPARSE)) {
        MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, offset, bytes);
        spilledBytes += bytes;
        return mapped;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot spill " + bytes + " bytes to " + file, e);
      }
    }

    /**
     * Deletes the file now (its mappings stay valid until they are collected; the callers drop
     * them). Where a mapped file cannot be deleted, {@link ArrayAllocator#close()} tries again.
     */
    void delete() {
      if (deleted) {
        return;
      }
      try {
        Files.deleteIfExists(file);
        tempFiles.remove(file);
        deleted = true;
      } catch (IOException e) {
        // Left for close(), which deletes every remaining temp file.
      }
    }
  }

  /** Tells the allocator an on-heap array is no longer referenced, so its bytes count again. */
  public void release(IntArray array) {
    if (array instanceof IntArray.OnHeap) {
      heapBytes -= array.length() * 4;
    }
  }

  /** See {@link #release(IntArray)}. */
  public void release(LongArray array) {
    if (array instanceof LongArray.OnHeap) {
      heapBytes -= array.length() * 8;
    }
  }

  /** Bytes of arrays currently accounted on the heap. */
  public long heapBytes() {
    return heapBytes;
  }

  /** Bytes ever spilled to memory-mapped temp files. */
  public long spilledBytes() {
    return spilledBytes;
  }

  /** Temp files currently alive (for tests and diagnostics). */
  public List<Path> tempFiles() {
    return List.copyOf(tempFiles);
  }

  private boolean fitsOnHeap(long bytes) {
    if (heapBudgetBytes == Long.MAX_VALUE) {
      return true;
    }
    if (heapBytes + bytes > heapBudgetBytes) {
      return false;
    }
    // Within budget, but is the heap really that free? Spilling is slower; OutOfMemoryError is
    // worse. Keep a tenth of the heap in reserve for everything that is not these arrays.
    Runtime rt = Runtime.getRuntime();
    long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    return bytes <= free - rt.maxMemory() / 10;
  }

  private static void checkLength(long length) {
    if (length < 0) {
      throw new IllegalArgumentException("array length must be >= 0 but was " + length);
    }
  }

  /**
   * Fails before a spill the disk cannot hold: writing to a mapping past the end of the disk's
   * space is a fatal signal for the JVM, not an exception.
   */
  private void checkDiskRoom(long bytes) {
    try {
      Files.createDirectories(spillDirectory);
      long usable = Files.getFileStore(spillDirectory).getUsableSpace();
      // Keep some room for everything else on that disk.
      long reserve = Math.min(1L << 30, usable / 20);
      if (bytes > usable - reserve) {
        throw new GraphTooLargeException(
            "not enough disk to spill the dump's graph: "
                + Format.bytes(bytes)
                + " more are needed in "
                + spillDirectory
                + " but only "
                + Format.bytes(Math.max(0, usable))
                + " are free; free some space, point the spill directory elsewhere, or give the"
                + " analysis more heap (-Xmx)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check free space in " + spillDirectory, e);
    }
  }

  private MappedByteBuffer[] map(long bytes) {
    checkDiskRoom(bytes);
    try {
      Files.createDirectories(spillDirectory);
      Path file = Files.createTempFile(spillDirectory, "heapfleet-graph-", ".bin");
      tempFiles.add(file);
      int count = (int) Math.max(1, (bytes + MAPPING_BYTES - 1) / MAPPING_BYTES);
      MappedByteBuffer[] mappings = new MappedByteBuffer[count];
      try (FileChannel channel =
          FileChannel.open(
              file, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.SPARSE)) {
        for (int i = 0; i < count; i++) {
          long start = i * MAPPING_BYTES;
          long size = Math.min(MAPPING_BYTES, bytes - start);
          mappings[i] = channel.map(FileChannel.MapMode.READ_WRITE, start, Math.max(size, 0));
        }
      }
      spilledBytes += bytes;
      return mappings;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot spill " + bytes + " bytes of graph arrays to " + spillDirectory, e);
    }
  }

  /** Deletes every temp file this allocator created. */
  @Override
  public void close() {
    for (Path file : tempFiles) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // Best effort: a leftover temp file must not fail the analysis that already finished.
        System.getLogger(ArrayAllocator.class.getName())
            .log(System.Logger.Level.WARNING, "could not delete temp file " + file, e);
      }
    }
    tempFiles.clear();
  }
}
