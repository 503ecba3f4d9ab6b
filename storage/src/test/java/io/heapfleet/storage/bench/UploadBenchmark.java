package io.heapfleet.storage.bench;

import io.heapfleet.storage.DumpFormat;
import io.heapfleet.storage.DumpKey;
import io.heapfleet.storage.DumpMetadata;
import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.DumpUpload;
import io.heapfleet.storage.EmbeddedS3;
import io.heapfleet.storage.S3Clients;
import io.heapfleet.storage.S3Settings;
import io.heapfleet.storage.StoredDump;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.SplittableRandom;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Upload throughput benchmark (not a test; run by {@code storage/bench/run.sh}): a stream of {@code
 * size} bytes uploaded with {@link DumpStore#openUpload} (length unknown, SHA-256 on the fly,
 * parallel parts; checksum sidecar by default, and with the metadata self-copy) against one plain
 * single-threaded {@code putObject} of the same file to the same in-process S3Proxy (filesystem
 * store on local disk), plus the cost of just reading the file, and both again with the SDK's
 * payload signing over http (the state before {@code UNSIGNED-PAYLOAD}). Prints MiB/s, the ratio,
 * and peak heap / RSS of this JVM (which also hosts the server).
 *
 * <p>Arguments: {@code [sizeMiB=1024] [dir=target/bench] [partMiB=16] [partsInFlight=3] [rounds=2]}
 */
public final class UploadBenchmark {
  private UploadBenchmark() {}

  public static void main(String[] args) throws Exception {
    long sizeMiB = args.length > 0 ? Long.parseLong(args[0]) : 1024;
    Path dir = Path.of(args.length > 1 ? args[1] : "target/bench");
    int partMiB = args.length > 2 ? Integer.parseInt(args[2]) : 16;
    int inFlight = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 2;
    long size = sizeMiB * 1024 * 1024;

    HeapSampler heap = new HeapSampler();
    heap.start();
    Files.createDirectories(dir);
    Path source = dir.resolve("source-" + sizeMiB + "m.bin");
    if (!Files.exists(source) || Files.size(source) != size) {
      writeIncompressible(source, size);
    }
    Path s3dir = dir.resolve("s3");
    deleteTree(s3dir);
    System.out.printf(
        Locale.ROOT,
        "heapfleet upload benchmark: %d MiB incompressible file, part %d MiB x %d in flight,"
            + " max heap %d MiB, %d CPUs%n",
        sizeMiB,
        partMiB,
        inFlight,
        Runtime.getRuntime().maxMemory() >> 20,
        Runtime.getRuntime().availableProcessors());

    try (EmbeddedS3 s3 = EmbeddedS3.filesystem(s3dir, "bench");
        DumpStore store =
            DumpStore.create(
                s3.settings()
                    .withPrefix("bench")
                    .withPartSize(partMiB * 1024 * 1024)
                    .withPartsInFlight(inFlight));
        DumpStore copyStore =
            new DumpStore(
                store.client(), store.settings().withChecksumCopyLimit(S3Settings.MAX_COPY_SIZE))) {
      // Warm-up: JIT both paths on 64 MiB.
      Path warm = dir.resolve("warm.bin");
      writeIncompressible(warm, 64L << 20);
      putObject(store, warm, "warm/plain");
      streamUpload(store, warm, "warm");
      streamUpload(copyStore, warm, "warm");
      Files.delete(warm);

      double[] sum = new double[3];
      for (int round = 1; round <= rounds; round++) {
        double read = readOnly(source, size);
        double plain = putObject(store, source, "plain/round" + round);
        double sidecar = streamUpload(store, source, "sidecar" + round);
        long sidecarWrite = lastTotalNanos - lastCompleteNanos;
        long sidecarComplete = lastCompleteNanos;
        double copy = streamUpload(copyStore, source, "copy" + round);
        long copyComplete = lastCompleteNanos;
        double copySeconds = selfCopySeconds(store, lastKey);
        // The same two uploads the way the SDK sends them over http by default (every body hashed
        // again for its SigV4 payload signature): the state before UNSIGNED-PAYLOAD.
        System.setProperty(S3Clients.SIGN_HTTP_PAYLOAD_PROPERTY, "true");
        double signedPlain;
        double signedSidecar;
        try {
          signedPlain = putObject(store, source, "plain/signed" + round);
          signedSidecar = streamUpload(store, source, "signed" + round);
        } finally {
          System.clearProperty(S3Clients.SIGN_HTTP_PAYLOAD_PROPERTY);
        }
        sum[0] += sidecar / plain;
        sum[1] += copy / plain;
        sum[2] += signedSidecar / signedPlain;
        System.out.printf(
            Locale.ROOT,
            "round %d: read file %7.1f MiB/s%n"
                + "  plain putObject, 1 thread                         %7.1f MiB/s%n"
                + "  DumpStore upload, SHA-256 sidecar (default)       %7.1f MiB/s  ratio %.2f"
                + "  (%.1f s writing parts, %.1f s in complete())%n"
                + "  DumpStore upload, SHA-256 in metadata (self-copy) %7.1f MiB/s  ratio %.2f"
                + "  (%.1f s in complete(); a self-copy alone takes %.1f s)%n"
                + "  with SDK payload signing over http: plain %7.1f MiB/s, sidecar upload %7.1f"
                + " MiB/s  ratio %.2f%n",
            round,
            read,
            plain,
            sidecar,
            sidecar / plain,
            sidecarWrite / 1e9,
            sidecarComplete / 1e9,
            copy,
            copy / plain,
            copyComplete / 1e9,
            copySeconds,
            signedPlain,
            signedSidecar,
            signedSidecar / signedPlain);
        // Keep the disk from filling up across rounds.
        for (String k : new String[] {"plain/round" + round, "plain/signed" + round}) {
          store.client().deleteObject(b -> b.bucket("bench").key(k));
        }
        deleteTask(store, "sidecar" + round);
        deleteTask(store, "copy" + round);
        deleteTask(store, "signed" + round);
      }
      System.out.printf(
          Locale.ROOT,
          "mean ratio vs plain putObject: %.2f (sidecar, default), %.2f (metadata self-copy),"
              + " %.2f (sidecar, both with SDK payload signing)%n",
          sum[0] / rounds,
          sum[1] / rounds,
          sum[2] / rounds);
    }
    System.out.printf(
        Locale.ROOT,
        "heap: max used %d MiB, max live after GC %d MiB (limit %d MiB); peak RSS %s%n",
        heap.maxUsed >> 20,
        heap.maxAfterGc >> 20,
        Runtime.getRuntime().maxMemory() >> 20,
        peakRss());
    deleteTree(s3dir);
  }

  static void deleteTask(DumpStore store, String task) {
    var listed =
        store
            .client()
            .listObjectsV2(b -> b.bucket("bench").prefix("bench/bench/bench/" + task + "/"))
            .contents();
    for (var o : listed) {
      store.client().deleteObject(b -> b.bucket("bench").key(o.key()));
    }
  }

  static double putObject(DumpStore store, Path file, String key) throws IOException {
    long size = Files.size(file);
    long t0 = System.nanoTime();
    store.client().putObject(b -> b.bucket("bench").key(key), RequestBody.fromFile(file));
    return mibPerSecond(size, System.nanoTime() - t0);
  }

  /**
   * Nanoseconds the last {@link #streamUpload} spent in complete() (last parts + metadata copy).
   */
  static long lastCompleteNanos;

  static long lastTotalNanos;
  static String lastKey;

  static double streamUpload(DumpStore store, Path file, String task) throws IOException {
    long size = Files.size(file);
    long t0 = System.nanoTime();
    StoredDump d;
    try (InputStream in = Files.newInputStream(file);
        DumpUpload upload =
            store.openUpload(
                DumpKey.of("bench", "bench", task, Instant.now(), DumpFormat.GZIP),
                DumpMetadata.unknown())) {
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) >= 0) {
        upload.write(buf, 0, n);
      }
      long c0 = System.nanoTime();
      d = upload.complete();
      lastCompleteNanos = System.nanoTime() - c0;
    }
    long nanos = System.nanoTime() - t0;
    lastTotalNanos = nanos;
    lastKey = d.objectKey();
    if (d.sizeBytes() != size) {
      throw new IllegalStateException("uploaded " + d.sizeBytes() + " of " + size + " bytes");
    }
    return mibPerSecond(size, nanos);
  }

  /** Times the in-place CopyObject (metadata REPLACE) that records the checksum, on its own. */
  static double selfCopySeconds(DumpStore store, String key) {
    long t0 = System.nanoTime();
    store
        .client()
        .copyObject(
            b ->
                b.sourceBucket("bench")
                    .sourceKey(key)
                    .destinationBucket("bench")
                    .destinationKey(key)
                    .metadataDirective(
                        software.amazon.awssdk.services.s3.model.MetadataDirective.REPLACE)
                    .metadata(java.util.Map.of("bench", "1")));
    return (System.nanoTime() - t0) / 1e9;
  }

  static double readOnly(Path file, long size) throws IOException {
    long t0 = System.nanoTime();
    byte[] buf = new byte[1 << 20];
    long total = 0;
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        total += n;
      }
    }
    if (total != size) {
      throw new IllegalStateException("read " + total);
    }
    return mibPerSecond(size, System.nanoTime() - t0);
  }

  static void writeIncompressible(Path file, long size) throws IOException {
    SplittableRandom random = new SplittableRandom(42);
    byte[] buf = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long done = 0; done < size; done += buf.length) {
        for (int i = 0; i < buf.length; i += 8) {
          long v = random.nextLong();
          for (int j = 0; j < 8; j++) {
            buf[i + j] = (byte) (v >>> (8 * j));
          }
        }
        out.write(buf, 0, (int) Math.min(buf.length, size - done));
      }
    }
  }

  static double mibPerSecond(long bytes, long nanos) {
    return (bytes / 1048576.0) / (nanos / 1e9);
  }

  /** Samples heap use every 20 ms: the largest instantaneous use and the largest use after a GC. */
  static final class HeapSampler extends Thread {
    volatile long maxUsed;
    volatile long maxAfterGc;

    HeapSampler() {
      super("heap-sampler");
      setDaemon(true);
    }

    @Override
    public void run() {
      while (true) {
        maxUsed =
            Math.max(maxUsed, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        long afterGc = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
          if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
            afterGc += pool.getCollectionUsage().getUsed();
          }
        }
        maxAfterGc = Math.max(maxAfterGc, afterGc);
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  static String peakRss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return line.substring(6).strip();
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return "n/a";
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
