package io.heapfleet.collector.queue;

import io.heapfleet.testsupport.HeapDumps;
import io.heapfleet.testsupport.JavaCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    HeapDumps.dumpThisJvm(Path.of(args[0]), true);
  }

  /** Makes the dump in a child JVM. */
  static Path make(Path file, int mb) throws Exception {
    JavaCommand.withHeap((mb + 32) + "m")
        .options("-XX:+UseSerialGC")
        .main(SmallDump.class)
        .args(file.toString(), Integer.toString(mb))
        .process("SmallDump")
        .logTo(file.resolveSibling(file.getFileName() + ".log"))
        .run(Duration.ofMinutes(2));
    if (!Files.exists(file)) {
      throw new IllegalStateException("the child JVM did not write " + file);
    }
    return file;
  }
}
