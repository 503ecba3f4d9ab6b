package io.heapfleet.endpoint;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.RuntimeMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * This JVM's cheap heap figures for {@code GET /heapdump/stats}: read from the platform MXBeans and
 * {@code /proc/self/status}: no safepoint, no collection, a few small objects per call, so a caller
 * can poll every task every few seconds. The field names are shared with the Node.js agent
 * (docs/node.md, "/heapdump/stats"); {@code runtime} tells them apart.
 *
 * <p>The figure adaptive capture watches is {@code oldGenUsedAfterGc}: the old generation's {@link
 * MemoryPoolMXBean#getCollectionUsage() collection usage}, i.e. what survived the last collection
 * that covered it. Which pool that is depends on the collector (see {@link #oldPool}); on ZGC
 * (non-generational) and Shenandoah the heap is one pool, so the figures are the whole heap's after
 * the last cycle, which also counts what the application allocated during that concurrent cycle.
 *
 * <p>The beans are looked up once; reading them is thread-safe, so one instance serves every
 * request thread.
 */
public final class JvmStats {

  /** Old-generation pool names by collector, in the order they are looked for. */
  private static final List<String> OLD_POOLS =
      List.of(
          "G1 Old Gen", // G1
          "PS Old Gen", // Parallel
          "Tenured Gen", // Serial
          "CMS Old Gen", // CMS (JDK 13 and older)
          "ZGC Old Generation", // generational ZGC (JDK 21+)
          "Shenandoah Old Gen", // generational Shenandoah
          "ZHeap", // ZGC (JDK 17): one pool for the whole heap
          "Shenandoah"); // Shenandoah: one pool for the whole heap

  private static final Path PROC_STATUS = Path.of("/proc/self/status");
  private static final byte[] VM_RSS = "VmRSS:".getBytes(StandardCharsets.US_ASCII);

  private final RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
  private final MemoryPoolMXBean oldPool;
  private final List<Collector> collectors = new ArrayList<>();
  private final BufferPoolMXBean directBuffers;
  private final Path procStatus;

  private JvmStats(Path procStatus) {
    this.procStatus = procStatus;
    this.oldPool = oldPool(ManagementFactory.getMemoryPoolMXBeans());
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      collectors.add(new Collector(gc));
    }
    BufferPoolMXBean direct = null;
    for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (b.getName().equals("direct")) {
        direct = b;
      }
    }
    this.directBuffers = direct;
  }

  /** This JVM's figures, RSS from {@code /proc/self/status}. */
  public static JvmStats platform() {
    return new JvmStats(PROC_STATUS);
  }

  /**
   * The old generation's pool: a known name first, then any heap pool whose name says old or
   * tenured, then the heap's only pool (a collector with one space); null when none fits (Epsilon,
   * which never collects, or an unknown layout): the old-generation fields are then null.
   */
  static MemoryPoolMXBean oldPool(List<MemoryPoolMXBean> pools) {
    for (String name : OLD_POOLS) {
      for (MemoryPoolMXBean p : pools) {
        if (p.getType() == MemoryType.HEAP && p.getName().equals(name)) {
          return p;
        }
      }
    }
    List<MemoryPoolMXBean> heap = new ArrayList<>();
    for (MemoryPoolMXBean p : pools) {
      if (p.getType() != MemoryType.HEAP) {
        continue;
      }
      String n = p.getName().toLowerCase(Locale.ROOT);
      if (n.contains("old") || n.contains("tenured")) {
        return p;
      }
      heap.add(p);
    }
    return heap.size() == 1 && heap.get(0).isCollectionUsageThresholdSupported()
        ? heap.get(0)
        : null;
  }

  /** The name of the pool reported as the old generation, or null. */
  public String oldPoolName() {
    return oldPool == null ? null : oldPool.getName();
  }

  /**
   * Whether a collector is an old-generation (full) or whole-heap collection: not a young one, and
   * not ZGC's or Shenandoah's separate bean that counts the pauses of cycles already counted by
   * their "Cycles" bean.
   */
  static boolean isMajor(String collector) {
    String n = collector.toLowerCase(Locale.ROOT);
    return !(n.contains("young")
        || n.contains("scavenge")
        || n.equals("copy")
        || n.contains("parnew")
        || n.contains("minor")
        || n.endsWith("pauses"));
  }

  /** Whether a collector bean counts collections (ZGC's and Shenandoah's "Pauses" beans do not). */
  static boolean countsCollections(String collector) {
    return !collector.toLowerCase(Locale.ROOT).endsWith("pauses");
  }

  /** The stats document for {@code taskId} at {@code now}, as compact JSON. */
  public String toJson(String taskId, String jvm, Instant now) {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    MemoryUsage old = oldPool == null ? null : oldPool.getUsage();
    MemoryUsage afterGc = oldPool == null ? null : oldPool.getCollectionUsage();
    long gcCount = 0;
    long gcTime = 0;
    long majorCount = 0;
    long lastMajorEnd = -1;
    for (Collector c : collectors) {
      if (!c.counts) {
        continue;
      }
      long count = Math.max(0, c.bean.getCollectionCount());
      gcCount += count;
      gcTime += Math.max(0, c.bean.getCollectionTime());
      if (c.major) {
        majorCount += count;
        if (count > 0) {
          lastMajorEnd = Math.max(lastMajorEnd, c.lastEnd(count));
        }
      }
    }
    // Only a collector that ran can have set the collection usage; before that it reads 0.
    boolean collected = afterGc != null && (afterGc.getUsed() > 0 || majorCount > 0);
    StringBuilder sb = new StringBuilder(640);
    sb.append("{\"taskId\":").append(Json.quote(taskId));
    sb.append(",\"runtime\":\"jvm\"");
    sb.append(",\"jvm\":").append(Json.quote(jvm));
    sb.append(",\"time\":").append(Json.quote(now.truncatedTo(ChronoUnit.MILLIS).toString()));
    field(sb, "uptimeMs", runtime.getUptime());
    field(sb, "heapUsed", heap.getUsed());
    field(sb, "heapCommitted", heap.getCommitted());
    field(sb, "heapMax", heap.getMax() < 0 ? null : heap.getMax());
    sb.append(",\"oldGenPool\":").append(Json.quote(oldPoolName()));
    field(sb, "oldGenUsed", old == null ? null : old.getUsed());
    field(sb, "oldGenCommitted", old == null ? null : old.getCommitted());
    field(sb, "oldGenUsedAfterGc", collected ? afterGc.getUsed() : null);
    sb.append(",\"lastMajorGcAt\":")
        .append(
            lastMajorEnd < 0
                ? "null"
                : Json.quote(
                    Instant.ofEpochMilli(runtime.getStartTime() + lastMajorEnd).toString()));
    field(sb, "gcCount", gcCount);
    field(sb, "majorGcCount", majorCount);
    field(sb, "gcTimeMs", gcTime);
    field(sb, "rss", rss());
    field(sb, "directBuffers", directBuffers == null ? null : directBuffers.getMemoryUsed());
    return sb.append('}').toString();
  }

  /** One collector bean, classified once. Thread-safe: racing readers compute the same values. */
  private static final class Collector {
    final GarbageCollectorMXBean bean;
    final boolean major;
    final boolean counts;
    // The end of the last collection, read again only when the count moved (GcInfo is not free).
    private volatile long lastEnd = -1;
    private volatile long seenCount = -1;

    Collector(GarbageCollectorMXBean bean) {
      this.bean = bean;
      this.major = isMajor(bean.getName());
      this.counts = countsCollections(bean.getName());
    }

    long lastEnd(long count) {
      if (count != seenCount) {
        lastEnd = lastGcEnd(bean);
        seenCount = count;
      }
      return lastEnd;
    }
  }

  /** When the collector's last collection ended (ms since the JVM started), or -1 if unknown. */
  private static long lastGcEnd(GarbageCollectorMXBean gc) {
    if (gc instanceof com.sun.management.GarbageCollectorMXBean) {
      com.sun.management.GcInfo info =
          ((com.sun.management.GarbageCollectorMXBean) gc).getLastGcInfo();
      return info == null ? -1 : info.getEndTime();
    }
    return -1;
  }

  /** The resident set size from {@code VmRSS}, in bytes; null where it cannot be read. */
  Long rss() {
    byte[] status;
    try {
      // Bytes, not lines: a poll every few seconds should not allocate a decoder per line.
      status = Files.readAllBytes(procStatus);
    } catch (IOException | RuntimeException e) {
      return null; // not Linux, or /proc not mounted: RSS is simply unknown
    }
    return vmRss(status);
  }

  /** {@code VmRSS: <n> kB} of a {@code /proc/<pid>/status} text, in bytes; null if absent. */
  static Long vmRss(byte[] status) {
    byte[] key = VM_RSS;
    outer:
    for (int i = 0; i + key.length <= status.length; i++) {
      if (i > 0 && status[i - 1] != '\n') {
        continue;
      }
      for (int k = 0; k < key.length; k++) {
        if (status[i + k] != key[k]) {
          continue outer;
        }
      }
      int j = i + key.length;
      while (j < status.length && (status[j] == ' ' || status[j] == '\t')) {
        j++;
      }
      long value = 0;
      int digits = 0;
      while (j < status.length && status[j] >= '0' && status[j] <= '9' && digits < 18) {
        value = value * 10 + (status[j++] - '0');
        digits++;
      }
      // The kernel writes kB (KiB).
      return digits == 0 ? null : value * 1024;
    }
    return null;
  }

  private static void field(StringBuilder sb, String name, Long value) {
    sb.append(",\"").append(name).append("\":").append(value == null ? "null" : value.toString());
  }

  private static void field(StringBuilder sb, String name, long value) {
    sb.append(",\"").append(name).append("\":").append(value);
  }
}
