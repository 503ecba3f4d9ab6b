package io.heapfleet.storage;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Names one dump: task, capture time (whole seconds, UTC) and format. Its S3 key is {@code
 * <prefix>/<cluster>/<service>/<taskId>/<yyyyMMdd'T'HHmmss'Z'><ext>}, ids encoded by {@link
 * KeySegment}; the summary JSON sits beside it as {@code <same key without ext>.summary.json}. Keys
 * of one task sort by time as strings. Immutable.
 */
public record DumpKey(TaskRef task, Instant time, DumpFormat format) {

  /** The time-stamp format in keys and file names: {@code 20261122T013700Z}. */
  public static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** Suffix of the summary object beside each dump. */
  public static final String SUMMARY_SUFFIX = ".summary.json";

  public DumpKey {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(format, "format");
    time = time.truncatedTo(ChronoUnit.SECONDS);
  }

  /** Convenience: a key from plain ids (cluster/service may be null). */
  public static DumpKey of(
      String cluster, String service, String taskId, Instant time, DumpFormat format) {
    return new DumpKey(new TaskRef(cluster, service, taskId), time, format);
  }

  /** {@code 20261122T013700Z.hprof.gz}. */
  public String fileName() {
    return TIME.format(time) + format.extension();
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
    return join(prefix, task.path() + "/" + TIME.format(time) + SUMMARY_SUFFIX);
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
    Instant time;
    try {
      time = TIME.parse(stamp, Instant::from);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("key '" + key + "' has no yyyyMMddTHHmmssZ time", e);
    }
    return new DumpKey(TaskRef.parsePath(rest.substring(0, slash)), time, format);
  }

  /** Whether {@code fileName} (last key segment) names a dump. */
  public static boolean isDumpFileName(String fileName) {
    return DumpFormat.ofFileName(fileName).isPresent() && !fileName.endsWith(SUMMARY_SUFFIX);
  }

  static String join(String prefix, String rest) {
    return prefix.isEmpty() ? rest : prefix + "/" + rest;
  }
}
