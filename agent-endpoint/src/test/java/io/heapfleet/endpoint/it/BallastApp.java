package io.heapfleet.endpoint.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A tiny application for the agent integration tests: holds N MB of random (incompressible) byte
 * arrays, then sleeps until destroyed; with {@code exit} it returns from main after a moment, to
 * prove the agent does not keep a JVM alive.
 */
public final class BallastApp {
  static final List<byte[]> BALLAST = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("exit")) {
      Thread.sleep(1500);
      System.err.println("BallastApp: main returns");
      return;
    }
    int mb = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    Random random = new Random(42);
    for (int i = 0; i < mb; i++) {
      byte[] b = new byte[1 << 20];
      random.nextBytes(b);
      BALLAST.add(b);
    }
    System.err.println("BallastApp: holding " + mb + " MB");
    Thread.sleep(Long.MAX_VALUE);
  }
}
