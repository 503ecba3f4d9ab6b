package io.heapfleet.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heapfleet.analysis.retainer.DeepAnalysis;
import io.heapfleet.analysis.retainer.DeepOptions;
import io.heapfleet.analysis.retainer.DeepResult;
import io.heapfleet.analysis.retainer.SuspectOwner;
import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.StoredDump;
import io.heapfleet.storage.TaskArtifact;
import io.heapfleet.storage.TaskRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Retainer paths for the report's growing classes: the ones the collector already stored with its
 * trend when present, otherwise computed here by the deep analysis (object graph, dominators,
 * shortest path from a GC root) of the newest dump. Stateless.
 */
public final class RetainerPaths {
  /** How many of the growing classes get a path. */
  public static final int CLASSES = 3;

  private static final ObjectMapper JSON = new ObjectMapper();

  private RetainerPaths() {}

  /** Paths for {@code classes} in the local dump {@code dump}. */
  public static List<LeakReport.RetainerPath> fromDump(Path dump, List<String> classes)
      throws IOException {
    if (classes.isEmpty()) {
      return List.of();
    }
    DeepResult deep = DeepAnalysis.of(dump, DeepOptions.defaults(), classes);
    List<LeakReport.RetainerPath> out = new ArrayList<>();
    for (String c : classes) {
      deep.owner(c).filter(o -> !o.path().isEmpty()).ifPresent(o -> out.add(of(o)));
    }
    return out;
  }

  /**
   * Paths for {@code classes} of a stored task: from the stored trend's suspects when they carry
   * paths, else from the deep analysis of the newest dump (downloaded to a temp file, deleted
   * afterwards).
   */
  static List<LeakReport.RetainerPath> fromStore(
      DumpStore store, TaskRef task, StoredDump newest, List<String> classes) throws IOException {
    if (classes.isEmpty()) {
      return List.of();
    }
    List<LeakReport.RetainerPath> stored =
        fromTrendJson(store.readArtifact(task, TaskArtifact.TREND_JSON), classes);
    if (!stored.isEmpty()) {
      return stored;
    }
    Path tmp = Files.createTempFile("heapfleet-report-", newest.key().format().extension());
    try {
      store.download(newest, tmp);
      return fromDump(tmp, classes);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Retainer paths the collector already stored in a task's trend JSON (field names as
   * docs/deep-analysis.md gives them).
   */
  static List<LeakReport.RetainerPath> fromTrendJson(Optional<String> json, List<String> classes) {
    if (json.isEmpty()) {
      return List.of();
    }
    List<LeakReport.RetainerPath> out = new ArrayList<>();
    try {
      JsonNode root = JSON.readTree(json.get());
      for (JsonNode s : root.path("suspects")) {
        String name = s.path("class").asText(null);
        if (name == null
            || !classes.contains(name)
            || !s.path("path").isArray()
            || s.path("path").isEmpty()) {
          continue;
        }
        List<String> steps = new ArrayList<>();
        s.path("path").forEach(p -> steps.add(p.asText()));
        out.add(
            new LeakReport.RetainerPath(
                name,
                Optional.ofNullable(s.path("owner").asText(null)),
                steps,
                s.has("retainedBytes")
                    ? OptionalLong.of(s.get("retainedBytes").asLong())
                    : OptionalLong.empty()));
      }
    } catch (IOException e) {
      return List.of(); // an unreadable artifact only costs the stored paths; deep analysis runs
    }
    return out;
  }

  private static LeakReport.RetainerPath of(SuspectOwner o) {
    return new LeakReport.RetainerPath(
        o.className(),
        Optional.ofNullable(o.owner()),
        o.path(),
        o.retainedBytes() > 0 ? OptionalLong.of(o.retainedBytes()) : OptionalLong.empty());
  }
}
