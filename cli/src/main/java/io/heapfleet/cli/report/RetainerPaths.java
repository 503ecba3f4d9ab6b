package io.heapfleet.cli.report;

import io.heapfleet.analysis.json.AnalysisJson;
import io.heapfleet.analysis.json.AnalysisJsonException;
import io.heapfleet.analysis.json.TrendDocument;
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
   * Retainer paths the collector already stored in a task's trend JSON (the suspects' {@code
   * owner}, {@code retainedBytes} and {@code path}), read with the analysis' typed reader.
   */
  static List<LeakReport.RetainerPath> fromTrendJson(Optional<String> json, List<String> classes) {
    if (json.isEmpty()) {
      return List.of();
    }
    TrendDocument trend;
    try {
      trend = AnalysisJson.readTrend(json.get());
    } catch (AnalysisJsonException e) {
      return List.of(); // an unreadable artifact only costs the stored paths; deep analysis runs
    }
    List<LeakReport.RetainerPath> out = new ArrayList<>();
    for (SuspectOwner o : trend.owners().values()) {
      if (classes.contains(o.className()) && !o.path().isEmpty()) {
        out.add(of(o));
      }
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
