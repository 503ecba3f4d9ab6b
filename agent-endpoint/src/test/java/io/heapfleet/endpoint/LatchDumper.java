package io.heapfleet.endpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HotSpot dumper that can be held: it signals {@link #started} and waits for {@link
 * #release} before dumping. Counts the dumps it took. For the one-at-a-time and 421 tests.
 */
final class LatchDumper implements HeapDumper {
  final CountDownLatch started = new CountDownLatch(1);
  final CountDownLatch release;
  final AtomicInteger dumps = new AtomicInteger();
  private final HeapDumper real = new HotSpotHeapDumper();

  LatchDumper(boolean held) {
    this.release = new CountDownLatch(held ? 1 : 0);
  }

  @Override
  public void dumpHeap(Path file, boolean live) throws IOException {
    started.countDown();
    try {
      if (!release.await(30, TimeUnit.SECONDS)) {
        throw new IOException("test latch never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
    dumps.incrementAndGet();
    real.dumpHeap(file, live);
  }
}
