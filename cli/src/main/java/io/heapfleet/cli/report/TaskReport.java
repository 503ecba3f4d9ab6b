package io.heapfleet.cli.report;

import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.histogram.ClassHistograms;
import io.heapfleet.analysis.json.AnalysisJson;
import io.heapfleet.analysis.v8.HeapSnapshots;
import io.heapfleet.analysis.v8.SnapshotLimits;
import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.S3Settings;
import io.heapfleet.storage.StoredDump;
import io.heapfleet.storage.TaskRef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Builds a task's leak investigation report from what is stored in S3: the task's series, each
 * dump's summary (its class histogram; the dump itself is streamed and analysed only when the
 * summary is missing), and the retainer paths the collector stored, when present. Stateless.
 */
public final class TaskReport {
  private TaskReport() {}

  /**
   * The {@link LeakReport} of {@code taskId}; {@code storageArgs} are echoed in its commands.
   * {@code withPaths} adds retainer paths of the top growing classes (stored ones, or by deep
   * analysis of the newest dump).
   */
  public static LeakReport fromStore(
      DumpStore store, String taskId, String storageArgs, boolean withPaths, Instant now)
      throws IOException {
    Optional<TaskRef> task = store.findTask(taskId);
    if (task.isEmpty()) {
      throw new ReportException(
          "no dumps of task '"
              + taskId
              + "' in s3://"
              + store.settings().bucket()
              + "/"
              + store.settings().prefix());
    }
    List<StoredDump> series = store.series(taskId);
    if (series.isEmpty()) {
      throw new ReportException("task '" + taskId + "' has no stored dumps");
    }
    List<LeakReportBuilder.Input> inputs = new ArrayList<>();
    for (StoredDump d : series) {
      inputs.add(
          new LeakReportBuilder.Input(
              histogram(store, d),
              "s3://" + store.settings().bucket() + "/" + d.objectKey(),
              OptionalLong.of(d.sizeBytes())));
    }
    String args = storageArgs.isBlank() ? "" : " " + storageArgs;
    List<String> reproduce = new ArrayList<>();
    reproduce.add("heapfleet report --task " + taskId + args);
    reproduce.add("heapfleet download --task " + taskId + " --pair latest" + args);
    if (series.size() >= 2) {
      String prev = series.get(series.size() - 2).key().downloadFileName();
      String last = series.get(series.size() - 1).key().downloadFileName();
      reproduce.add("heapfleet diff " + prev + " " + last);
      reproduce.add("heapfleet report " + prev + " " + last);
    }
    TaskRef ref = task.get();
    LeakReport report =
        LeakReportBuilder.build(
            taskId,
            Optional.ofNullable(ref.service()),
            Optional.ofNullable(ref.cluster()),
            inputs,
            List.of(),
            reproduce,
            now);
    if (!withPaths || series.size() < 2) {
      return report;
    }
    return report.withRetainerPaths(
        RetainerPaths.fromStore(
            store,
            ref,
            series.get(series.size() - 1),
            report.steadySuspects(RetainerPaths.CLASSES)));
  }

  /**
   * Writes the Markdown report of {@code taskId} stored under {@code settings} to {@code out} and
   * returns the report's facts.
   */
  public static LeakReport writeFromStore(
      S3Settings settings, String taskId, String storageArgs, Path out) throws IOException {
    try (DumpStore store = DumpStore.create(settings)) {
      LeakReport report = fromStore(store, taskId, storageArgs, true, Instant.now());
      write(LeakReportMarkdown.render(report), out);
      return report;
    }
  }

  /** Writes {@code markdown} to {@code out} atomically (a temp file renamed into place). */
  public static Path write(String markdown, Path out) throws IOException {
    Path target = out.toAbsolutePath().normalize();
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), ".report-", ".md.tmp");
    try {
      Files.writeString(tmp, markdown, StandardCharsets.UTF_8);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return target;
  }

  private static ClassHistogram histogram(DumpStore store, StoredDump d) throws IOException {
    Optional<String> summary = store.readSummary(d.key());
    if (summary.isPresent()) {
      return AnalysisJson.readHistogram(summary.get());
    }
    try (InputStream in = store.open(d)) {
      if (d.key().format().isHeapSnapshot()) {
        // A V8 snapshot records no time: the key's is when the collector took it.
        return HeapSnapshots.histogram(in, d.time(), SnapshotLimits.DEFAULT);
      }
      return ClassHistograms.of(in);
    }
  }
}
