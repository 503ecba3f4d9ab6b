package io.heapfleet.storage;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the uploader knows about a dump before its bytes are stored: JVM, heap used, uncompressed
 * size, how long the dump took. Stored as S3 user metadata ({@code x-amz-meta-heapfleet-*}).
 * Unknown numbers are {@code -1}; unknown strings {@code null}. Immutable.
 *
 * @param jvm JVM version/vendor string, e.g. {@code 17.0.15 (Eclipse Adoptium)}
 * @param heapUsedBytes heap in use when the dump was taken
 * @param uncompressedBytes size of the raw HPROF, if the producer knows it
 * @param dumpDuration how long the JVM took to dump ({@code null} if unknown)
 */
public record DumpMetadata(
    String jvm, long heapUsedBytes, long uncompressedBytes, Duration dumpDuration) {

  static final String SHA256 = "heapfleet-sha256";
  static final String SIZE = "heapfleet-size";
  static final String JVM = "heapfleet-jvm";
  static final String HEAP_USED = "heapfleet-heap-used";
  static final String UNCOMPRESSED = "heapfleet-uncompressed-size";
  static final String DUMP_TIME = "heapfleet-dump-time";
  static final String DUMP_MILLIS = "heapfleet-dump-duration-ms";
  static final String TASK = "heapfleet-task";

  /** Nothing known. */
  public static DumpMetadata unknown() {
    return new DumpMetadata(null, -1, -1, null);
  }

  /** As S3 user metadata (keys without {@code x-amz-meta-}); values US-ASCII. */
  Map<String, String> toUserMetadata(DumpKey key) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(TASK, ascii(key.task().taskId()));
    m.put(DUMP_TIME, key.time().toString());
    if (jvm != null) {
      m.put(JVM, ascii(jvm));
    }
    if (heapUsedBytes >= 0) {
      m.put(HEAP_USED, Long.toString(heapUsedBytes));
    }
    if (uncompressedBytes >= 0) {
      m.put(UNCOMPRESSED, Long.toString(uncompressedBytes));
    }
    if (dumpDuration != null) {
      m.put(DUMP_MILLIS, Long.toString(dumpDuration.toMillis()));
    }
    return m;
  }

  /** Reads back what {@link #toUserMetadata} wrote (missing entries → unknown). */
  static DumpMetadata fromUserMetadata(Map<String, String> m) {
    String millis = m.get(DUMP_MILLIS);
    return new DumpMetadata(
        m.get(JVM),
        number(m.get(HEAP_USED)),
        number(m.get(UNCOMPRESSED)),
        millis == null ? null : Duration.ofMillis(number(millis)));
  }

  private static long number(String s) {
    if (s == null) {
      return -1;
    }
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** HTTP header values must be printable US-ASCII; anything else becomes '?'. */
  static String ascii(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      sb.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return sb.length() > 256 ? sb.substring(0, 256) : sb.toString();
  }
}
