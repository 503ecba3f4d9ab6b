package io.heapfleet.collector.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A tiny task for capture tests, run in a child JVM with the real agent: holds {@code mb} MiB of
 * random (incompressible) bytes and {@code orders} {@link Order} objects, then sleeps until
 * destroyed.
 */
public final class TargetApp {
  /** A domain object the tests look for in the histogram. */
  public static final class Order {
    final long id;
    final byte[] payload = new byte[64];

    Order(long id) {
      this.id = id;
    }
  }

  static final List<byte[]> BALLAST = new ArrayList<>();
  static final List<Order> ORDERS = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    int mb = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    int orders = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    Random random = new Random(7);
    for (int i = 0; i < mb; i++) {
      byte[] b = new byte[1 << 20];
      random.nextBytes(b);
      BALLAST.add(b);
    }
    for (int i = 0; i < orders; i++) {
      ORDERS.add(new Order(i));
    }
    System.err.println("TargetApp: holding " + mb + " MiB and " + orders + " orders");
    Thread.sleep(Long.MAX_VALUE);
  }
}
