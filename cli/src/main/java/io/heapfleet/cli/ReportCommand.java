package io.heapfleet.cli;

import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.histogram.ClassHistograms;
import io.heapfleet.analysis.v8.HeapSnapshotFormatException;
import io.heapfleet.cli.report.LeakReport;
import io.heapfleet.cli.report.LeakReportBuilder;
import io.heapfleet.cli.report.LeakReportMarkdown;
import io.heapfleet.cli.report.ReportException;
import io.heapfleet.cli.report.RetainerPaths;
import io.heapfleet.cli.report.TaskReport;
import io.heapfleet.storage.DumpStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code heapfleet report}: a Markdown leak investigation report from a task's dumps in S3 or from
 * local dump files, filled with measured facts only.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    header = "Write a Markdown leak report from a task's dumps in S3 or from dump files.",
    description = {
      "",
      "The report follows the team's leak investigation template: summary, growth",
      "in MiB/h, the snapshot timeline, the classes that grow (+instances, +MiB),",
      "the top consumers, retainer paths where known, and the commands to",
      "reproduce. Every number is measured from the dumps; sections without data",
      "are left out. Sizes are binary: 1 MiB is 2^20 bytes.",
      "",
      "With --task the dumps are read from S3: each dump's stored summary (its",
      "class histogram) is used, and a dump is only streamed when its summary is",
      "missing.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  heapfleet report --task 4f1c2a9e0b7d --bucket acme-heapdumps -o leak.md",
      "  HEAPFLEET_S3_BUCKET=acme-heapdumps heapfleet report --task 4f1c2a9e0b7d",
      "  heapfleet report --task orders-1 --local heapfleet-data/demo-1/s3",
      "  heapfleet report orders-1-0100Z.hprof.gz orders-1-0130Z.hprof.gz --no-paths",
      "  heapfleet report downloads/web-1/",
    })
final class ReportCommand implements Callable<Integer> {

  @Mixin VerboseOption verbose;

  @Option(
      names = "--task",
      paramLabel = "ID",
      description = "Report on this task's series in S3 (instead of dump files).")
  String taskId;

  @Parameters(
      paramLabel = "DUMP",
      arity = "0..*",
      description =
          "Local dump files of one task, any order: JVM dumps (.hprof, .hprof.gz, .hprof.zst) or"
              + " Node.js V8 heap snapshots (.heapsnapshot, .heapsnapshot.gz); a directory stands"
              + " for the dump files in it.")
  List<Path> dumps = new ArrayList<>();

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Write the report to FILE instead of stdout.")
  Path output;

  @Option(
      names = "--no-paths",
      description =
          "Skip retainer paths (they need the object graph of the newest dump: seconds for"
              + " small heaps, minutes and ~1.5x the dump in memory for big ones).")
  boolean noPaths;

  @Mixin S3Options s3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (taskId != null && !dumps.isEmpty()) {
      throw UserException.badInput("give either --task ID or dump files, not both");
    }
    if (taskId == null && dumps.isEmpty()) {
      throw UserException.badInput("give --task ID (dumps in S3) or one or more dump files");
    }
    String markdown;
    try {
      markdown = taskId != null ? fromStore() : fromFiles();
    } catch (ReportException e) {
      throw UserException.badInput(e.getMessage());
    }
    if (output != null) {
      Path written = TaskReport.write(markdown, output);
      spec.commandLine().getErr().println("heapfleet: report written to " + written);
    } else {
      PrintWriter out = spec.commandLine().getOut();
      out.print(markdown);
      out.flush();
    }
    return ExitCode.OK;
  }

  private String fromStore() throws IOException {
    try (S3Options.OpenStore open = s3.open(CliEnvironment.get())) {
      return render(open.store(), storageArgs());
    }
  }

  /** The storage flags as given, for the report's reproduce commands. */
  private String storageArgs() {
    StringBuilder a = new StringBuilder();
    if (s3.local != null) {
      a.append(" --local ").append(s3.local);
    }
    if (s3.bucket != null) {
      a.append(" --bucket ").append(s3.bucket);
    }
    if (s3.prefix != null) {
      a.append(" --prefix ").append(s3.prefix);
    }
    if (s3.endpoint != null) {
      a.append(" --endpoint ").append(s3.endpoint);
    }
    if (s3.region != null) {
      a.append(" --region ").append(s3.region);
    }
    if (s3.pathStyle) {
      a.append(" --path-style");
    }
    return a.toString().trim();
  }

  private String render(DumpStore store, String args) throws IOException {
    LeakReport report = TaskReport.fromStore(store, taskId, args, !noPaths, Instant.now());
    return LeakReportMarkdown.render(report);
  }

  private static Path newest(List<LeakReportBuilder.Input> inputs) {
    LeakReportBuilder.Input n = inputs.get(0);
    for (LeakReportBuilder.Input i : inputs) {
      if (i.histogram().timestamp().isAfter(n.histogram().timestamp())) {
        n = i;
      }
    }
    return Path.of(n.location());
  }

  /**
   * The files as given, with each directory replaced by the dump files in it ({@code .hprof},
   * {@code .heapsnapshot}, plain, gzip or zstd), sorted by name.
   */
  private static List<Path> expandDirectories(List<Path> given) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path p : given) {
      if (!Files.isDirectory(p)) {
        out.add(p);
        continue;
      }
      try (var files = Files.list(p)) {
        List<Path> found =
            files
                .filter(Files::isRegularFile)
                .filter(f -> DUMP_FILE.matcher(f.getFileName().toString()).matches())
                .sorted()
                .toList();
        if (found.isEmpty()) {
          throw UserException.badInput(
              "no dump files (.hprof, .heapsnapshot, plain, .gz or .zst) in directory " + p);
        }
        out.addAll(found);
      }
    }
    return out;
  }

  private static final Pattern DUMP_FILE =
      Pattern.compile(".+\\.(hprof|heapsnapshot)(\\.gz|\\.zst)?");

  private static final Pattern TASK_IN_NAME =
      Pattern.compile("(.+)-\\d{8}T\\d{6}Z(_\\d+)?\\.(hprof|heapsnapshot)(\\.gz|\\.zst)?");

  private String fromFiles() throws IOException {
    List<LeakReportBuilder.Input> inputs = new ArrayList<>();
    String subject = null;
    for (Path p : expandDirectories(dumps)) {
      if (!Files.isRegularFile(p)) {
        throw UserException.badInput("no such dump file: " + p);
      }
      ClassHistogram histogram;
      try {
        histogram = ClassHistograms.of(p);
      } catch (HeapSnapshotFormatException e) {
        throw UserException.badInput(p + ": " + e.getMessage());
      }
      inputs.add(
          new LeakReportBuilder.Input(histogram, p.toString(), OptionalLong.of(Files.size(p))));
      Matcher m = TASK_IN_NAME.matcher(p.getFileName().toString());
      String name = m.matches() ? m.group(1) : null;
      subject = subject == null ? name : (subject.equals(name) ? subject : "");
    }
    if (subject == null || subject.isEmpty()) {
      subject =
          inputs.size() == 1 ? dumps.get(0).getFileName().toString() : dumps.size() + " dump files";
    }
    // In time order, as the analysis sees them.
    List<String> files =
        inputs.stream()
            .sorted(java.util.Comparator.comparing(i -> i.histogram().timestamp()))
            .map(LeakReportBuilder.Input::location)
            .toList();
    List<String> reproduce = new ArrayList<>();
    reproduce.add("heapfleet report " + String.join(" ", files));
    if (files.size() >= 2) {
      reproduce.add("heapfleet diff " + files.get(0) + " " + files.get(files.size() - 1));
      reproduce.add("heapfleet trend " + String.join(" ", files));
    } else {
      reproduce.add("heapfleet histo " + files.get(0));
    }
    LeakReport report =
        LeakReportBuilder.build(
            subject,
            Optional.empty(),
            Optional.empty(),
            inputs,
            List.of(),
            reproduce,
            Instant.now());
    if (!noPaths && inputs.size() >= 2) {
      Path newest = newest(inputs);
      report =
          report.withRetainerPaths(
              RetainerPaths.fromDump(newest, report.steadySuspects(RetainerPaths.CLASSES)));
    }
    return LeakReportMarkdown.render(report);
  }
}
