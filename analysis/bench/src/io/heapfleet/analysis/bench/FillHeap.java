package io.heapfleet.analysis.bench;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Fills the heap with a known, service-like object mix until about TARGET_MB of live data, then
 * writes a live heap dump (and optionally HotSpot's chunked gzip dump of the same heap).
 *
 * <p>Usage: {@code FillHeap TARGET_MB OUT.hprof [OUT_CHUNKED.hprof.gz]}
 */
public final class FillHeap {
  /** A typical domain object: an id, a quantity, a name, a payload and a link. */
  static final class Item {
    final long id;
    final int quantity;
    final String name;
    final byte[] payload;
    Item next;

    Item(long id, int quantity, String name, byte[] payload) {
      this.id = id;
      this.quantity = quantity;
      this.name = name;
      this.payload = payload;
    }
  }

  static final List<Object> ROOT = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    long targetBytes = Long.parseLong(args[0]) * 1024 * 1024;
    Path out = Path.of(args[1]);
    SplittableRandom random = new SplittableRandom(2026);
    Map<Long, Item> index = new HashMap<>();
    ROOT.add(index);
    List<Object> batch = new ArrayList<>(16);
    Item previous = null;
    Runtime rt = Runtime.getRuntime();
    long n = 0;
    while (true) {
      for (int k = 0; k < 100_000; k++, n++) {
        Item item =
            new Item(
                n,
                random.nextInt(100),
                "item-" + Long.toHexString(n),
                new byte[random.nextInt(8) == 0 ? 256 + random.nextInt(768) : random.nextInt(96)]);
        item.next = previous;
        previous = (n & 63) == 0 ? null : item;
        batch.add(item);
        if (batch.size() == 16) {
          ROOT.add(batch);
          batch = new ArrayList<>(16);
        }
        if ((n & 3) == 0) {
          index.put(n, item);
        }
        if ((n & 15) == 0) {
          ROOT.add(new int[32]);
          ROOT.add(new long[8]);
        }
      }
      if (rt.totalMemory() - rt.freeMemory() > targetBytes) {
        System.gc();
        if (rt.totalMemory() - rt.freeMemory() > targetBytes) {
          break;
        }
      }
    }
    System.out.printf("filled: %d items, %d MB used%n", n, (rt.totalMemory() - rt.freeMemory()) >> 20);
    Files.deleteIfExists(out);
    long t0 = System.nanoTime();
    ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(out.toString(), true);
    System.out.printf(
        "dumped %s: %d MB in %.1f s%n",
        out, Files.size(out) >> 20, (System.nanoTime() - t0) / 1e9);
    if (args.length > 2) {
      Path chunked = Path.of(args[2]);
      Files.deleteIfExists(chunked);
      t0 = System.nanoTime();
      // HotSpot's own -gz writer (the chunked gzip format), through jcmd on ourselves: the
      // DiagnosticCommand MBean does not expose GC.heap_dump.
      Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
      Process p =
          new ProcessBuilder(
                  jcmd.toString(),
                  Long.toString(ProcessHandle.current().pid()),
                  "GC.heap_dump",
                  "-gz=1",
                  chunked.toString())
              .redirectErrorStream(true)
              .start();
      String result = new String(p.getInputStream().readAllBytes());
      if (p.waitFor() != 0) {
        throw new IllegalStateException("jcmd failed: " + result);
      }
      System.out.printf(
          "chunked gzip dump %s: %d MB in %.1f s (%s)%n",
          chunked, Files.size(chunked) >> 20, (System.nanoTime() - t0) / 1e9, result.trim());
    }
  }
}
