package io.heapfleet.cli;

import io.heapfleet.analysis.report.Format;
import io.heapfleet.storage.StorageException;
import io.heapfleet.storage.StoredDump;
import io.heapfleet.storage.TaskArtifact;
import io.heapfleet.storage.TaskState;
import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code heapfleet ls}: the tasks in the bucket, or one task's series of dumps. */
@Command(
    name = "ls",
    mixinStandardHelpOptions = true,
    header = "List the tasks stored in S3, or one task's dumps (time, size, heap used).",
    description = {
      "",
      "Without --task: one line per task with its number of dumps, total size, latest dump and",
      "which analyses (diff, trend) are stored. With --task: the task's dumps oldest first,",
      "with heap used at dump time and the recorded SHA-256.",
      ""
    },
    footer = {
      "",
      "Environment: HEAPFLEET_S3_BUCKET, HEAPFLEET_S3_PREFIX (default heapdumps),",
      "HEAPFLEET_S3_ENDPOINT, AWS_REGION, AWS_PROFILE and the rest of the AWS chain.",
      "",
      "Examples:",
      "  heapfleet ls --bucket acme-heapdumps",
      "  heapfleet ls --task 0a1b2c3d4e5f",
      "  heapfleet ls --local",
    })
final class LsCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  @Mixin S3Options s3;
  @Mixin VerboseOption verbose;

  @Option(names = "--task", paramLabel = "ID", description = "Show this task's dumps.")
  String taskId;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (S3Options.OpenStore open = s3.open(CliEnvironment.get())) {
      if (taskId == null) {
        listTasks(out, open);
      } else {
        listSeries(out, open);
      }
      return ExitCode.OK;
    } catch (StorageException e) {
      throw S3Options.failure(e);
    }
  }

  private void listTasks(PrintWriter out, S3Options.OpenStore open) {
    List<TaskState> tasks = open.store().tasks();
    if (tasks.isEmpty()) {
      spec.commandLine().getErr().println("heapfleet: no tasks in " + open.where());
      return;
    }
    out.printf(
        Locale.ROOT,
        "%-36s %-16s %-16s %5s %11s  %-20s  %s%n",
        "TASK",
        "CLUSTER",
        "SERVICE",
        "DUMPS",
        "SIZE",
        "LATEST",
        "ANALYSES");
    for (TaskState t : tasks) {
      String analyses =
          t.artifacts().stream()
              .map(TaskArtifact::fileName)
              .sorted()
              .collect(Collectors.joining(","));
      out.printf(
          Locale.ROOT,
          "%-36s %-16s %-16s %5d %11s  %-20s  %s%n",
          t.task().taskId(),
          orDash(t.task().cluster()),
          orDash(t.task().service()),
          t.dumps().size(),
          Format.bytesOrDash(t.totalBytes()),
          t.latest().map(d -> TIME.format(d.time())).orElse("-"),
          analyses.isEmpty() ? "-" : analyses);
    }
  }

  private void listSeries(PrintWriter out, S3Options.OpenStore open) {
    List<StoredDump> series = open.seriesOf(taskId);
    StoredDump first = series.get(0);
    out.printf(
        "task %s  cluster %s  service %s  (%d dumps)%n",
        taskId,
        orDash(first.key().task().cluster()),
        orDash(first.key().task().service()),
        series.size());
    out.printf(
        Locale.ROOT,
        "%-20s  %11s  %11s  %-12s  %s%n",
        "TIME",
        "SIZE",
        "HEAP USED",
        "SHA256",
        "KEY");
    for (StoredDump d : series) {
      out.printf(
          Locale.ROOT,
          "%-20s  %11s  %11s  %-12s  %s%n",
          TIME.format(d.time()),
          Format.bytesOrDash(d.sizeBytes()),
          Format.bytesOrDash(d.metadata().heapUsedBytes()),
          d.sha256() == null ? "-" : d.sha256().substring(0, 12),
          d.objectKey());
    }
  }

  private static String orDash(String s) {
    return s == null ? "-" : s;
  }
}
