package io.heapfleet.endpoint;

import io.heapfleet.auth.Compression;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The headers of a dump response, and the figures only known once the dump is on disk: sent as
 * headers when the dump comes before the response, in the stream's trailer when the response starts
 * first. Stateless.
 */
final class DumpHeaders {

  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private DumpHeaders() {}

  /** The dump's file name: {@code <taskId>-<yyyyMMdd'T'HHmmss'Z'>.hprof.gz} (per format). */
  static String fileName(String taskId, Instant at, Compression format) {
    return taskId + "-" + FILE_TIME.format(at) + WireEncoding.hprofExtension(format);
  }

  /** Adds what every dump response says first: type, file name, no caching, format, live. */
  static Map<String, String> start(
      Map<String, String> taskHeaders,
      String taskId,
      Instant at,
      Compression format,
      boolean live) {
    Map<String, String> h = taskHeaders;
    h.put("Content-Type", format.contentType());
    h.put("Content-Disposition", "attachment; filename=\"" + fileName(taskId, at, format) + "\"");
    h.put("Cache-Control", "no-store");
    h.put(HeapfleetHeaders.FORMAT, format.id());
    h.put(HeapfleetHeaders.LIVE, Boolean.toString(live));
    return h;
  }

  /** The trailer of a response that started before its dump. */
  static Map<String, String> trailer(Figures figures) {
    Map<String, String> trailer = new LinkedHashMap<>();
    trailer.put(HeapfleetHeaders.TIME, figures.dumpedAt.toString());
    figures.putAfterTime(trailer);
    return trailer;
  }

  /** What one dump cost and produced. Immutable. */
  static final class Figures {
    final Instant dumpedAt;
    final long hprofBytes;
    final long dumpMillis;
    final long dumpCpuMillis;

    Figures(Instant dumpedAt, long hprofBytes, long dumpMillis, long dumpCpuMillis) {
      this.dumpedAt = dumpedAt;
      this.hprofBytes = hprofBytes;
      this.dumpMillis = dumpMillis;
      this.dumpCpuMillis = dumpCpuMillis;
    }

    /** The size and cost headers, in the order that follows {@code X-Heapdump-Time}. */
    void putAfterTime(Map<String, String> h) {
      h.put(HeapfleetHeaders.HPROF_BYTES, Long.toString(hprofBytes));
      // dumpHeap runs at a safepoint: the application is paused for its whole duration.
      h.put(HeapfleetHeaders.DURATION_MS, Long.toString(dumpMillis));
      h.put(HeapfleetHeaders.PAUSE_MS, Long.toString(dumpMillis));
      h.put(HeapfleetHeaders.DUMP_CPU_MS, Long.toString(dumpCpuMillis));
      h.put(HeapfleetHeaders.DISK_BYTES, Long.toString(hprofBytes));
    }

    void audit(Audit audit) {
      audit
          .detail("hprofBytes", hprofBytes)
          .detail("dumpMs", dumpMillis)
          .detail("dumpCpuMs", dumpCpuMillis);
    }
  }
}
