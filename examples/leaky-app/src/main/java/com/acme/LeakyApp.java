package com.acme;

import com.acme.cart.Cart;
import com.acme.cart.CartStore;
import com.acme.cart.LineItem;
import com.acme.catalog.Product;
import com.acme.catalog.ProductCache;
import com.acme.orders.OrderProcessor;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Map;

/**
 * A small "shop" with a deliberate, switchable memory problem, run with the heapfleet javaagent:
 *
 * <ul>
 *   <li>{@code LEAK_MODE=leak}: every tick opens carts ({@code com.acme.cart.Cart}, each holding a
 *       {@code byte[]} session snapshot) in the static map of {@code com.acme.cart.CartStore} and
 *       never removes them: the heap grows steadily.
 *   <li>{@code LEAK_MODE=plateau}: a bounded {@code com.acme.catalog.ProductCache} fills up, then
 *       stays flat.
 *   <li>{@code LEAK_MODE=quiet}: only short-lived garbage ({@code com.acme.orders}).
 * </ul>
 *
 * <p>Settings (env or {@code -D} system properties with the same lower-case dotted name, e.g.
 * {@code -Dleak.rate.kb=512}): {@code LEAK_RATE_KB} retained per tick (default 256), {@code
 * LEAK_INTERVAL_MS} tick length (default 1000), {@code LEAK_MAX_MB} stop growing at this many MB
 * (default 60% of the max heap, so the app never dies of its own leak), {@code PLATEAU_ENTRIES}
 * cache size (default 64). Runs until killed.
 */
public final class LeakyApp {

  private LeakyApp() {}

  public static void main(String[] args) throws InterruptedException {
    Map<String, String> env = System.getenv();
    String mode = setting(env, "LEAK_MODE", "leak").toLowerCase(Locale.ROOT);
    int rateKb = Integer.parseInt(setting(env, "LEAK_RATE_KB", "256"));
    long intervalMs = Long.parseLong(setting(env, "LEAK_INTERVAL_MS", "1000"));
    long maxHeap = Runtime.getRuntime().maxMemory();
    long maxMb = Long.parseLong(setting(env, "LEAK_MAX_MB", Long.toString(maxHeap * 6 / 10 >> 20)));
    int plateauEntries = Integer.parseInt(setting(env, "PLATEAU_ENTRIES", "64"));
    if (!mode.equals("leak") && !mode.equals("plateau") && !mode.equals("quiet")) {
      System.err.println("leaky-app: LEAK_MODE must be leak, plateau or quiet, was '" + mode + "'");
      System.exit(2);
    }
    System.out.println(
        "leaky-app: pid "
            + ProcessHandle.current().pid()
            + ", mode "
            + mode
            + ", "
            + rateKb
            + " KiB every "
            + intervalMs
            + " ms, cap "
            + maxMb
            + " MiB");
    ProductCache cache = new ProductCache(plateauEntries);
    OrderProcessor orders = new OrderProcessor();
    long retainedBytes = 0;
    for (long tick = 0; ; tick++) {
      orders.process(32, 4096);
      int bytes = rateKb * 1024;
      if (mode.equals("leak") && retainedBytes + bytes <= maxMb << 20) {
        // Four carts per tick, each with a quarter of the rate as its snapshot.
        for (int i = 0; i < 4; i++) {
          Cart cart = new Cart("cart-" + tick + "-" + i, "customer-" + (tick % 997), bytes / 4);
          cart.add(new LineItem("sku-" + (tick % 50), 1 + i, 1999));
          CartStore.open(cart);
        }
        retainedBytes += bytes;
      } else if (mode.equals("plateau")) {
        cache.put(new Product("sku-" + (tick % (plateauEntries * 4)), "Product " + tick, bytes));
      }
      if (tick % 60 == 0 && tick > 0) {
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.println(
            "leaky-app: tick "
                + tick
                + ", carts "
                + CartStore.size()
                + ", cache "
                + cache.size()
                + ", heap used "
                + (used >> 20)
                + " MiB");
      }
      Thread.sleep(intervalMs);
    }
  }

  private static String setting(Map<String, String> env, String name, String dflt) {
    String prop = System.getProperty(name.toLowerCase(Locale.ROOT).replace('_', '.'));
    if (prop != null && !prop.isBlank()) {
      return prop.trim();
    }
    String v = env.get(name);
    return v == null || v.isBlank() ? dflt : v.trim();
  }
}
