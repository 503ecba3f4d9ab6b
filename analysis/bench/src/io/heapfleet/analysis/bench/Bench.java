package io.heapfleet.analysis.bench;

import io.airlift.compress.zstd.ZstdInputStream;
import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.histogram.ClassHistograms;
import io.heapfleet.analysis.json.AnalysisJson;
import io.heapfleet.analysis.json.JsonWriter;
import io.heapfleet.analysis.internal.util.LongIntMap;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.zip.GZIPInputStream;
import shark.CloseableHeapGraph;
import shark.HeapObject;
import shark.HprofHeapGraph;
import shark.HprofRecordTag;

/**
 * One measurement per JVM (so peak RSS is per task): {@code Bench MODE FILE}. Prints one line:
 * {@code RESULT mode file inputBytes seconds MB/s detail}. Modes:
 *
 * <ul>
 *   <li>{@code floor}: plain sequential read of the file (1 MB direct buffer), the cost of simply
 *       reading the bytes.
 *   <li>{@code gunzip}/{@code unzstd}: decompress the file and discard: the floor for compressed
 *       input (the same single-threaded decompressors the reader uses for plain gzip and zstd).
 *   <li>{@code histo}: heapfleet's class histogram. A HotSpot chunked gzip file ({@code -gz}) is
 *       decompressed on one thread per core, so it can beat the single-threaded gunzip floor;
 *       {@code -Dheapfleet.gunzip.threads=1} reads it sequentially.
 *   <li>{@code histo-json}: {@code histo} plus its JSON ({@code heapfleet histo --format json}),
 *       written to memory; the detail says how long the JSON took.
 *   <li>{@code shark}: Square's Shark (shark-graph): open the dump (index) and count instances and
 *       arrays per class.
 * </ul>
 */
public final class Bench {
  /** Read size of the floor: the best of 1 and 4 MB measured here (-Dbench.buffer to change). */
  private static final int BUFFER = Integer.getInteger("bench.buffer", 1024 * 1024);

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Path file = Path.of(args[1]);
    long size = Files.size(file);
    long t0 = System.nanoTime();
    String detail;
    switch (mode) {
      case "floor" -> detail = "checksum " + floor(file);
      case "gunzip" -> detail = "decompressed " + drain(new GZIPInputStream(in(file), 256 * 1024));
      case "unzstd" -> detail = "decompressed " + drain(new ZstdInputStream(in(file)));
      case "histo" -> {
        ClassHistogram h = ClassHistograms.of(file);
        detail =
            h.instances() + " objects, " + h.classes() + " classes, model " + h.sizeModel().label();
      }
      case "histo-json" -> {
        JsonWriter.warmUp(); // as HistoCommand does
        ClassHistogram h = ClassHistograms.of(file);
        long w0 = System.nanoTime();
        ByteArrayOutputStream out = new ByteArrayOutputStream(); // a histogram's JSON is small
        AnalysisJson.writeHistogram(h, out);
        detail =
            String.format(
                "%d classes, JSON %d bytes written in %.1f ms",
                h.classes(), out.size(), (System.nanoTime() - w0) / 1e6);
      }
      case "shark" -> detail = shark(file);
      default -> throw new IllegalArgumentException(mode);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        "RESULT %s %s %d %.3f %.1f %s%n",
        mode, file.getFileName(), size, seconds, size / 1e6 / seconds, detail);
  }

  private static InputStream in(Path file) throws Exception {
    return new BufferedInputStream(Files.newInputStream(file), 256 * 1024);
  }

  private static long floor(Path file) throws Exception {
    long sum = 0;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
      while (ch.read(buf) >= 0) {
        buf.flip();
        // Touch one long per 4 KB page so the read is not optimised away.
        for (int i = 0; i + 8 <= buf.limit(); i += 4096) {
          sum += buf.getLong(i);
        }
        buf.clear();
      }
    }
    return sum;
  }

  private static long drain(InputStream in) throws Exception {
    long total = 0;
    byte[] buf = new byte[1024 * 1024];
    try (in) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        total += n;
      }
    }
    return total;
  }

  private static String shark(Path file) throws Exception {
    EnumSet<HprofRecordTag> roots =
        EnumSet.of(
            HprofRecordTag.ROOT_JNI_GLOBAL,
            HprofRecordTag.ROOT_JAVA_FRAME,
            HprofRecordTag.ROOT_JNI_LOCAL,
            HprofRecordTag.ROOT_MONITOR_USED,
            HprofRecordTag.ROOT_NATIVE_STACK,
            HprofRecordTag.ROOT_STICKY_CLASS,
            HprofRecordTag.ROOT_THREAD_BLOCK,
            HprofRecordTag.ROOT_THREAD_OBJECT,
            HprofRecordTag.ROOT_JNI_MONITOR);
    try (CloseableHeapGraph graph =
        HprofHeapGraph.Companion.openHeapGraph(file.toFile(), null, roots)) {
      LongIntMap perClass = new LongIntMap(1 << 14, 0);
      long objects = 0;
      for (Iterator<HeapObject.HeapInstance> it = graph.getInstances().iterator(); it.hasNext(); ) {
        long c = it.next().getInstanceClassId();
        perClass.put(c, perClass.get(c) + 1);
        objects++;
      }
      for (Iterator<HeapObject.HeapObjectArray> it = graph.getObjectArrays().iterator();
          it.hasNext(); ) {
        long c = it.next().getArrayClassId();
        perClass.put(c, perClass.get(c) + 1);
        objects++;
      }
      for (Iterator<HeapObject.HeapPrimitiveArray> it = graph.getPrimitiveArrays().iterator();
          it.hasNext(); ) {
        long c = it.next().getPrimitiveType().ordinal() + 1;
        perClass.put(c, perClass.get(c) + 1);
        objects++;
      }
      return objects + " objects, " + perClass.size() + " classes";
    }
  }
}
