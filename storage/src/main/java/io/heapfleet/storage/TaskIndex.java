package io.heapfleet.storage;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The body of a task's index marker {@code <prefix>/_tasks/<taskId>}: the task's path on the first
 * line (all that older markers hold), then one line per stored dump with the metadata it was
 * uploaded with, so that {@link DumpStore#series(String)} needs one GET and one listing instead of
 * a HEAD (and possibly a sidecar GET) per dump:
 *
 * <pre>
 * prod/orders/0a1b2c3d4e5f
 * 20261122T010000Z.hprof.gz heapfleet-sha256=8a45…&amp;heapfleet-size=200000&amp;heapfleet-heap-used=188743680
 * </pre>
 *
 * Values are URL-encoded. Entries are only hints: a reader uses one only when its size matches the
 * listed object, and falls back to a HEAD otherwise. At most {@value #MAX_ENTRIES} entries (the
 * newest) are kept. Immutable.
 *
 * @param task the task the marker points to
 * @param dumps file name ({@link DumpKey#fileName()}) → user metadata incl. SHA-256 and size
 */
record TaskIndex(TaskRef task, Map<String, Map<String, String>> dumps) {

  /** Entries kept per task (a dump every 30 minutes for 10 days, about 100 KiB). */
  static final int MAX_ENTRIES = 500;

  TaskIndex {
    dumps = java.util.Collections.unmodifiableMap(new TreeMap<>(dumps));
  }

  static TaskIndex empty(TaskRef task) {
    return new TaskIndex(task, Map.of());
  }

  /** Parses a marker body; unreadable dump lines are skipped (they are only hints). */
  static TaskIndex parse(String body) {
    String[] lines = body.split("\n");
    TaskRef task = TaskRef.parsePath(lines[0].strip());
    Map<String, Map<String, String>> dumps = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i].strip();
      int space = line.indexOf(' ');
      if (space <= 0 || !DumpKey.isDumpFileName(line.substring(0, space))) {
        continue;
      }
      Map<String, String> meta = new LinkedHashMap<>();
      for (String pair : line.substring(space + 1).split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          try {
            meta.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
          } catch (IllegalArgumentException e) {
            // a damaged value: leave it out
          }
        }
      }
      dumps.put(line.substring(0, space), meta);
    }
    return new TaskIndex(task, dumps);
  }

  /** The marker body. */
  String format() {
    StringBuilder sb = new StringBuilder(task.path()).append('\n');
    for (var e : dumps.entrySet()) {
      sb.append(e.getKey()).append(' ');
      boolean first = true;
      for (var m : e.getValue().entrySet()) {
        if (!first) {
          sb.append('&');
        }
        first = false;
        sb.append(encode(m.getKey())).append('=').append(encode(m.getValue()));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /**
   * This index plus {@code dump} (for another task path: a fresh index), oldest entries trimmed.
   */
  TaskIndex with(StoredDump dump) {
    TreeMap<String, Map<String, String>> next =
        new TreeMap<>(dump.key().task().equals(task) ? dumps : Map.of());
    Map<String, String> meta = new LinkedHashMap<>(dump.metadata().toUserMetadata(dump.key()));
    meta.remove(DumpMetadata.TASK); // in the key already
    meta.remove(DumpMetadata.DUMP_TIME);
    if (dump.sha256() != null) {
      meta.put(DumpMetadata.SHA256, dump.sha256());
    }
    meta.put(DumpMetadata.SIZE, Long.toString(dump.sizeBytes()));
    next.put(dump.key().fileName(), meta);
    while (next.size() > MAX_ENTRIES) {
      next.pollFirstEntry();
    }
    return new TaskIndex(dump.key().task(), next);
  }

  /** This index without the given dumps (after retention deleted them). */
  TaskIndex without(Collection<StoredDump> deleted) {
    TreeMap<String, Map<String, String>> next = new TreeMap<>(dumps);
    for (StoredDump d : deleted) {
      next.remove(d.key().fileName());
    }
    return new TaskIndex(task, next);
  }

  /** {@code listed} (from a listing) with the recorded metadata, if recorded for the same size. */
  Optional<StoredDump> complete(StoredDump listed) {
    if (!listed.key().task().equals(task)) {
      return Optional.empty();
    }
    Map<String, String> meta = dumps.get(listed.key().fileName());
    if (meta == null || !Long.toString(listed.sizeBytes()).equals(meta.get(DumpMetadata.SIZE))) {
      return Optional.empty();
    }
    return Optional.of(
        new StoredDump(
            listed.key(),
            listed.objectKey(),
            listed.sizeBytes(),
            meta.get(DumpMetadata.SHA256),
            listed.lastModified(),
            DumpMetadata.fromUserMetadata(meta)));
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
