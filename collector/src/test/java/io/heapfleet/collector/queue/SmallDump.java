package io.heapfleet.collector.queue;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Run in a child JVM: holds {@code args[1]} MB of random bytes (which do not compress, so the
 * dump's size is predictable after gzip) and writes a live heap dump of itself to {@code args[0]}.
 */
public final class SmallDump {
  static final List<byte[]> HELD = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    int mb = Integer.parseInt(args[1]);
    Random random = new Random(42);
    for (int i = 0; i < mb; i++) {
      byte[] b = new byte[1 << 20];
      random.nextBytes(b);
      HELD.add(b);
    }
    ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(args[0], true);
    if (!Files.exists(Path.of(args[0]))) {
      System.exit(1);
    }
  }

  /** Makes the dump in a child JVM. */
  static Path make(Path file, int mb) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path classes =
        Path.of(SmallDump.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Process p =
        new ProcessBuilder(
                java,
                "-Xmx" + (mb + 32) + "m",
                "-XX:+UseSerialGC",
                "-cp",
                classes.toString(),
                SmallDump.class.getName(),
                file.toString(),
                Integer.toString(mb))
            .redirectErrorStream(true)
            .redirectOutput(file.resolveSibling(file.getFileName() + ".log").toFile())
            .start();
    if (p.waitFor() != 0 || !Files.exists(file)) {
      throw new IllegalStateException("the child JVM did not write " + file);
    }
    return file;
  }
}
