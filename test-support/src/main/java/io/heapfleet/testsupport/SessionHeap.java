package io.heapfleet.testsupport;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Application-like heap for the dump benchmarks: web sessions (UUID ids, attribute maps, JSON-like
 * byte arrays, counters), neither random nor zero bytes, which would punish or flatter compression.
 * The same seed gives the same heap, so runs compare. Holds what it made until it is dropped. Not
 * thread-safe; fill it from one thread.
 */
public final class SessionHeap {
  private static final int BATCH = 20_000;

  private final List<Session> sessions = new ArrayList<>();
  private final Random random = new Random(7);

  private SessionHeap() {}

  /**
   * Makes sessions until the heap still used after a full GC reaches {@code bytes} (what a dump
   * holds, not garbage); returns them, so the caller keeps them reachable.
   */
  public static SessionHeap fill(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("bytes must be positive: " + bytes);
    }
    SessionHeap heap = new SessionHeap();
    while (true) {
      for (int i = 0; i < BATCH; i++) {
        heap.sessions.add(new Session(heap.random, heap.sessions.size()));
      }
      if (heapUsed() >= bytes) {
        System.gc(); // count only what survives
        if (heapUsed() >= bytes) {
          return heap;
        }
      }
    }
  }

  /** How many sessions it holds. */
  public int sessions() {
    return sessions.size();
  }

  /** The running JVM's used heap, in bytes. */
  public static long heapUsed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** One web session, about 1.3 KB of heap. */
  static final class Session {
    final String id;
    final Map<String, String> attributes = new HashMap<>();
    final byte[] state;
    final int[] counters = new int[16];
    final long createdAt;

    Session(Random random, int i) {
      id = new UUID(random.nextLong(), random.nextLong()).toString();
      attributes.put("user", "user-" + random.nextInt(100_000));
      attributes.put("locale", random.nextBoolean() ? "en-GB" : "de-DE");
      attributes.put("cart", "cart-" + i);
      StringBuilder json = new StringBuilder();
      while (json.length() < 480) {
        json.append("{\"sku\":\"SKU-")
            .append(random.nextInt(5000))
            .append("\",\"qty\":")
            .append(random.nextInt(9))
            .append(",\"price\":")
            .append(random.nextInt(100000) / 100.0)
            .append('}');
      }
      state = json.toString().getBytes(StandardCharsets.UTF_8);
      for (int k = 0; k < counters.length; k++) {
        counters[k] = random.nextInt(1000);
      }
      createdAt = System.currentTimeMillis() - random.nextInt(1_000_000);
    }
  }
}
