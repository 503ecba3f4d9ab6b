package io.heapfleet.storage;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Names one dump: task, capture time (whole seconds, UTC), format, and a sequence number that is 1
 * except for a second (third, ...) dump of the same task within the same second. Its S3 key is
 * {@code <prefix>/<cluster>/<service>/<taskId>/<yyyyMMdd'T'HHmmss'Z'><ext>}, ids encoded by {@link
 * KeySegment}, with {@code _<sequence>} after the time for sequence 2 and up ({@code
 * 20261122T013700Z_2.hprof.gz}); the summary JSON sits beside it as {@code <same key without
 * ext>.summary.json}. Keys of one task sort by time as strings (a suffixed key right after its
 * unsuffixed twin). {@link DumpUpload} picks the sequence so that an upload never replaces a stored
 * dump. Immutable.
 *
 * @param task the task
 * @param time capture time, truncated to whole seconds
 * @param format stored format (file extension)
 * @param sequence 1 for the first dump of the task in that second, 2.. for later ones (at most
 *     {@value #MAX_SEQUENCE})
 */
public record DumpKey(TaskRef task, Instant time, DumpFormat format, int sequence) {

  /** The time-stamp format in keys and file names: {@code 20261122T013700Z}. */
  public static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** Suffix of the summary object beside each dump. */
  public static final String SUMMARY_SUFFIX = ".summary.json";

  /** Largest sequence number: dumps of one task within one second. */
  public static final int MAX_SEQUENCE = 99;

  public DumpKey {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(format, "format");
    time = time.truncatedTo(ChronoUnit.SECONDS);
    if (sequence < 1 || sequence > MAX_SEQUENCE) {
      throw new IllegalArgumentException(
          "dump sequence must be 1.." + MAX_SEQUENCE + ", was " + sequence);
    }
  }

  /** The first (usually only) dump of {@code task} at {@code time}. */
  public DumpKey(TaskRef task, Instant time, DumpFormat format) {
    this(task, time, format, 1);
  }

  /** The same dump name with another sequence number. */
  public DumpKey withSequence(int value) {
    return new DumpKey(task, time, format, value);
  }

  /** Convenience: a key from plain ids (cluster/service may be null). */
  public static DumpKey of(
      String cluster, String service, String taskId, Instant time, DumpFormat format) {
    return new DumpKey(new TaskRef(cluster, service, taskId), time, format);
  }

  /** {@code 20261122T013700Z.hprof.gz} ({@code 20261122T013700Z_2.hprof.gz} for sequence 2). */
  public String fileName() {
    return stamp() + format.extension();
  }

  /** Time and, from sequence 2 on, {@code _<sequence>}: the part before the extension. */
  private String stamp() {
    return sequence == 1 ? TIME.format(time) : TIME.format(time) + "_" + sequence;
  }

  /** The file name a download gets: {@code <taskId>-20261122T013700Z.hprof.gz}. */
  public String downloadFileName() {
    return KeySegment.encode(task.taskId(), "task id") + "-" + fileName();
  }

  /** The dump's S3 key under {@code prefix} (may be empty). */
  public String toKey(String prefix) {
    return join(prefix, task.path() + "/" + fileName());
  }

  /** The summary JSON's key under {@code prefix}. */
  public String summaryKey(String prefix) {
    return join(prefix, task.path() + "/" + stamp() + SUMMARY_SUFFIX);
  }

  /** Parses a dump key written by {@link #toKey}; fails on anything else. */
  public static DumpKey parse(String prefix, String key) {
    String rest = key;
    if (!prefix.isEmpty()) {
      if (!key.startsWith(prefix + "/")) {
        throw new IllegalArgumentException(
            "key '" + key + "' is not under prefix '" + prefix + "'");
      }
      rest = key.substring(prefix.length() + 1);
    }
    int slash = rest.lastIndexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("key '" + key + "' has no task path");
    }
    String fileName = rest.substring(slash + 1);
    DumpFormat format =
        DumpFormat.ofFileName(fileName)
            .orElseThrow(() -> new IllegalArgumentException("key '" + key + "' is not a dump"));
    String stamp = fileName.substring(0, fileName.length() - format.extension().length());
    int sequence = 1;
    int underscore = stamp.indexOf('_');
    if (underscore > 0) {
      String n = stamp.substring(underscore + 1);
      if (!n.matches("[1-9][0-9]{0,1}") || n.equals("1")) {
        throw new IllegalArgumentException("key '" + key + "' has a bad sequence '_" + n + "'");
      }
      sequence = Integer.parseInt(n);
      stamp = stamp.substring(0, underscore);
    }
    Instant time;
    try {
      time = TIME.parse(stamp, Instant::from);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("key '" + key + "' has no yyyyMMddTHHmmssZ time", e);
    }
    return new DumpKey(TaskRef.parsePath(rest.substring(0, slash)), time, format, sequence);
  }

  /** Whether {@code fileName} (last key segment) names a dump. */
  public static boolean isDumpFileName(String fileName) {
    return DumpFormat.ofFileName(fileName).isPresent() && !fileName.endsWith(SUMMARY_SUFFIX);
  }

  /** Series order: capture time, then sequence. */
  public static final java.util.Comparator<DumpKey> SERIES_ORDER =
      java.util.Comparator.comparing(DumpKey::time).thenComparingInt(DumpKey::sequence);

  static String join(String prefix, String rest) {
    return prefix.isEmpty() ? rest : prefix + "/" + rest;
  }
}
