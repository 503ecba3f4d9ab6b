package io.heapfleet.analysis.retainer;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Tiny leaky programs run in a child JVM ({@code -Xmx64m}) that dump their own heap: {@code cart}
 * (byte[] held by Carts in a static map), {@code listener} (listeners piling up in an event bus),
 * {@code threadlocal} (a session parked in a worker thread's ThreadLocal). Each also holds some
 * unrelated data so the analysis must pick the right owner.
 */
public final class LeakFixtures {

  /** A domain object that holds a payload. */
  static final class Cart {
    final String id;
    final byte[] payload;

    Cart(String id, int bytes) {
      this.id = id;
      this.payload = new byte[bytes];
    }
  }

  /** The static holder of the cart leak. */
  static final class CartStore {
    static final Map<String, Cart> CARTS = new HashMap<>();
  }

  /** Unrelated, smaller data in another static: noise the analysis must rank lower. */
  static final class Settings {
    static final List<byte[]> BLOBS = new ArrayList<>();
  }

  /** A listener that captures a buffer. */
  static final class Listener {
    final byte[] buffer;

    Listener(int bytes) {
      this.buffer = new byte[bytes];
    }
  }

  /** The bus that never unregisters anyone. */
  static final class EventBus {
    static final EventBus INSTANCE = new EventBus();
    final List<Listener> listeners = new ArrayList<>();
  }

  /** Per-thread session state that is never removed from its ThreadLocal. */
  static final class Session {
    final List<byte[]> chunks = new ArrayList<>();
  }

  static final ThreadLocal<Session> SESSION = new ThreadLocal<>();

  public static void main(String[] args) throws Exception {
    String scenario = args[0];
    Path dump = Path.of(args[1]);
    for (int i = 0; i < 50; i++) {
      Settings.BLOBS.add(new byte[10_000]); // ~0.5 MB of noise
    }
    CountDownLatch release = new CountDownLatch(1);
    switch (scenario) {
      case "cart" -> fillCarts(2000);
      case "cart-early" -> fillCarts(500);
      case "listener" -> registerListeners();
      case "threadlocal" -> startWorker(release);
      default -> throw new IllegalArgumentException("unknown scenario " + scenario);
    }
    Files.deleteIfExists(dump);
    ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
        .dumpHeap(dump.toString(), true);
    release.countDown();
    System.exit(0);
  }

  private static void fillCarts(int carts) {
    for (int i = 0; i < carts; i++) {
      CartStore.CARTS.put("cart-" + i, new Cart("cart-" + i, 4096));
    }
  }

  private static void registerListeners() {
    for (int i = 0; i < 2000; i++) {
      EventBus.INSTANCE.listeners.add(new Listener(2048));
    }
  }

  private static void startWorker(CountDownLatch release) throws InterruptedException {
    CountDownLatch ready = new CountDownLatch(1);
    Thread worker =
        new Thread(
            () -> {
              Session s = new Session();
              for (int i = 0; i < 1500; i++) {
                s.chunks.add(new byte[4096]);
              }
              SESSION.set(s);
              s = null;
              ready.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "session-worker");
    worker.setDaemon(true);
    worker.start();
    ready.await();
  }

  private LeakFixtures() {}
}
