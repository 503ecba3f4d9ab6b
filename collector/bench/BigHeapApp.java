import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Holds N MiB of random (incompressible) byte arrays, so that its heap dump is at least that big
 * even gzip-compressed; for the 1 GiB capture measurement. Run with the agent.
 */
public final class BigHeapApp {
  static final List<byte[]> HELD = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    int mb = Integer.parseInt(args[0]);
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < mb; i++) {
      byte[] b = new byte[1 << 20];
      for (int j = 0; j < b.length; j += 8) {
        long v = r.nextLong();
        for (int k = 0; k < 8; k++) {
          b[j + k] = (byte) (v >>> (8 * k));
        }
      }
      HELD.add(b);
    }
    System.err.println("BigHeapApp: holding " + mb + " MiB");
    Thread.sleep(Long.MAX_VALUE);
  }
}
