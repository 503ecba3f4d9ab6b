package io.heapfleet.collector.capture;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A one-writer, one-reader byte pipe with a bounded buffer: the download thread writes chunks, the
 * analyser thread reads them. Memory is at most {@code capacityChunks} chunks; a writer waits when
 * the reader is behind (so a slow analyser slows the capture instead of growing the heap).
 *
 * <p>Ends: {@link #sink()}.close() is a clean end of stream; {@link #fail(String)} makes the reader
 * see an {@link IOException} (the download broke). If the reader stops early ({@link
 * #source()}.close()), further writes are dropped silently so the upload can continue. Thread-safe
 * for exactly one writer and one reader.
 */
public final class BoundedPipe {
  private static final byte[] EOF = new byte[0];

  private final BlockingQueue<byte[]> chunks;
  private volatile boolean readerClosed;
  private volatile String failure;

  /** A pipe holding up to {@code capacityBytes} in chunks of the writer's size (at least 2). */
  public BoundedPipe(int capacityBytes, int chunkBytes) {
    if (capacityBytes < 1 || chunkBytes < 1) {
      throw new IllegalArgumentException(
          "pipe capacity and chunk size must be positive, got "
              + capacityBytes
              + ", "
              + chunkBytes);
    }
    chunks = new ArrayBlockingQueue<>(Math.max(2, capacityBytes / chunkBytes));
  }

  /** Aborts the stream: the reader's next read fails with {@code message}. */
  public void fail(String message) {
    failure = message;
    chunks.clear();
    chunks.offer(EOF);
  }

  /** The writing end (download thread). */
  public OutputStream sink() {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        if (len == 0 || readerClosed) {
          return;
        }
        byte[] copy = java.util.Arrays.copyOfRange(b, off, off + len);
        try {
          while (!chunks.offer(copy, 100, TimeUnit.MILLISECONDS)) {
            if (readerClosed) {
              return;
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while feeding the analyser");
        }
      }

      @Override
      public void close() throws IOException {
        try {
          while (!readerClosed && !chunks.offer(EOF, 100, TimeUnit.MILLISECONDS)) {
            // reader still busy
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while closing the analyser pipe");
        }
      }
    };
  }

  /** The reading end (analyser thread). */
  public InputStream source() {
    return new InputStream() {
      private byte[] current = new byte[0];
      private int pos;
      private boolean ended;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        while (pos == current.length) {
          if (ended) {
            return -1;
          }
          try {
            current = chunks.take();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for dump bytes");
          }
          pos = 0;
          if (current == EOF) {
            ended = true;
            if (failure != null) {
              throw new IOException("dump stream aborted: " + failure);
            }
            return -1;
          }
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
      }

      @Override
      public void close() {
        readerClosed = true;
        chunks.clear();
      }
    };
  }
}
