package io.heapfleet.analysis.hprof;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Runs a (decompressing) input stream on a background thread, handing over filled blocks through a
 * small bounded queue, so that decompression and parsing use two cores. Memory is bounded by {@code
 * blocks × blockSize}. Errors of the producer are rethrown to the reader. Single consumer; not
 * thread-safe otherwise.
 */
final class PipelinedInputStream extends InputStream {
  private static final byte[] END = new byte[0];

  private final InputStream source;
  private final BlockingQueue<Object> full;
  private final BlockingQueue<byte[]> empty;
  private final Thread producer;
  private byte[] current;
  private int currentLength;
  private int currentPos;
  private boolean ended;
  private volatile boolean closed;

  PipelinedInputStream(InputStream source, int blocks, int blockSize, String threadName) {
    this.source = source;
    this.full = new ArrayBlockingQueue<>(blocks + 1);
    this.empty = new ArrayBlockingQueue<>(blocks);
    for (int i = 0; i < blocks; i++) {
      empty.add(new byte[blockSize]);
    }
    this.producer = new Thread(this::produce, threadName);
    producer.setDaemon(true);
    producer.start();
  }

  /** A filled block: the array and how many bytes of it are valid. */
  private record Block(byte[] data, int length) {}

  private void produce() {
    try {
      while (!closed) {
        byte[] block = empty.take();
        int n = 0;
        while (n < block.length) {
          int k = source.read(block, n, block.length - n);
          if (k < 0) {
            break;
          }
          n += k;
        }
        if (n > 0) {
          full.put(new Block(block, n));
        }
        if (n < block.length) {
          full.put(END);
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException | Error e) {
      // Hand the failure to the reader; it surfaces as a format error with an offset.
      full.offer(e);
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (current == null || currentPos == currentLength) {
      if (!nextBlock()) {
        return -1;
      }
    }
    int k = Math.min(len, currentLength - currentPos);
    System.arraycopy(current, currentPos, b, off, k);
    currentPos += k;
    return k;
  }

  private boolean nextBlock() throws IOException {
    if (ended) {
      return false;
    }
    if (current != null) {
      empty.offer(current);
      current = null;
    }
    Object next;
    try {
      next = full.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for decompressed data");
    }
    if (next == END) {
      ended = true;
      return false;
    }
    if (next instanceof Block block) {
      current = block.data();
      currentLength = block.length();
      currentPos = 0;
      return true;
    }
    ended = true;
    if (next instanceof IOException e) {
      throw e;
    }
    if (next instanceof RuntimeException e) {
      throw e;
    }
    throw new IOException("decompression failed: " + next, (Throwable) next);
  }

  @Override
  public void close() throws IOException {
    closed = true;
    producer.interrupt();
    try {
      producer.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    source.close();
  }
}
