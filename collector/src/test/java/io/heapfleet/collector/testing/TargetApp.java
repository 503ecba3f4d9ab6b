package io.heapfleet.collector.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A tiny task for capture tests, run in a child JVM with the real agent: holds {@code mb} MiB of
 * random (incompressible) bytes and {@code orders} {@link Order} objects, and with a third argument
 * leaks that many {@link Session}s per second (about 1 KiB each), until destroyed.
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

  /** What a leaking task accumulates: about 1 KiB each. */
  public static final class Session {
    final long id;
    final byte[] state = new byte[1000];

    Session(long id) {
      this.id = id;
    }
  }

  static final List<Session> SESSIONS = new ArrayList<>();
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
    int leakPerSecond = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    System.err.println(
        "TargetApp: holding "
            + mb
            + " MiB and "
            + orders
            + " orders, leaking "
            + leakPerSecond
            + "/s");
    long id = 0;
    while (true) {
      Thread.sleep(100);
      synchronized (SESSIONS) {
        for (int i = 0; i < leakPerSecond / 10; i++) {
          SESSIONS.add(new Session(id++));
        }
      }
    }
  }
}
