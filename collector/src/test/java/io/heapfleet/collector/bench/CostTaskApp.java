package io.heapfleet.collector.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * The task of the capture-cost benchmark: fills its heap to N MiB with objects shaped like a web
 * service's (session ids, attribute maps, JSON-like byte arrays, counters), neither random nor zero
 * bytes, which would punish or flatter compression; then idles. Run with the agent.
 */
public final class CostTaskApp {
  static final List<Session> SESSIONS = new ArrayList<>();

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

  public static void main(String[] args) throws Exception {
    long target = Long.parseLong(args[0]) << 20;
    Random random = new Random(7);
    while (true) {
      for (int i = 0; i < 20_000; i++) {
        SESSIONS.add(new Session(random, SESSIONS.size()));
      }
      if (used() >= target) {
        System.gc(); // count only what survives
        if (used() >= target) {
          break;
        }
      }
    }
    System.err.println(
        "CostTaskApp: holding " + (used() >> 20) + " MiB in " + SESSIONS.size() + " sessions");
    Thread.sleep(Long.MAX_VALUE);
  }

  private static long used() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
