package io.heapfleet.cli;

import io.heapfleet.analysis.report.Format;
import io.heapfleet.endpoint.DurationText;
import io.heapfleet.storage.DownloadedDump;
import io.heapfleet.storage.DumpFormat;
import io.heapfleet.storage.StorageException;
import io.heapfleet.storage.StoredDump;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code heapfleet download}: fetches a task's dumps (HPROF, or a Node.js task's V8 heap snapshots)
 * from S3 for MAT / VisualVM / Chrome DevTools or diff.
 */
@Command(
    name = "download",
    mixinStandardHelpOptions = true,
    header = "Download a task's heap dumps from S3 (by default its last two), verified.",
    description = {
      "",
      "Finds the task's series by task id alone, downloads the chosen dumps next to each other",
      "as <taskId>-<yyyyMMddTHHmmssZ>.hprof.gz (a Node.js task's V8 heap snapshots as",
      "<taskId>-<yyyyMMddTHHmmssZ>.heapsnapshot.gz), and verifies each file's SHA-256 against the",
      "one recorded at upload (a mismatch removes the file and fails). Credentials come from",
      "the AWS default chain (env, profile, SSO, instance/task role).",
      ""
    },
    footer = {
      "",
      "Environment: HEAPFLEET_S3_BUCKET, HEAPFLEET_S3_PREFIX (default heapdumps),",
      "HEAPFLEET_S3_ENDPOINT, AWS_REGION, AWS_PROFILE and the rest of the AWS chain.",
      "",
      "Examples:",
      "  heapfleet download --task 0a1b2c3d4e5f --bucket acme-heapdumps",
      "  heapfleet download --task 0a1b2c3d4e5f --pair first-last -o /tmp/leak",
      "  heapfleet download --task 0a1b2c3d4e5f --pair all --local",
      "  heapfleet download --task 0a1b2c3d4e5f --presign 1h   # links, not files",
    })
final class DownloadCommand implements Callable<Integer> {

  /** Which of the series to fetch. */
  enum Pair {
    latest,
    first_last,
    all
  }

  @Mixin S3Options s3;
  @Mixin VerboseOption verbose;

  @Option(
      names = "--task",
      required = true,
      paramLabel = "ID",
      description = "The task id (ECS task id, or whatever the collector named it).")
  String taskId;

  @Option(
      names = "--pair",
      paramLabel = "WHICH",
      defaultValue = "latest",
      converter = PairConverter.class,
      description =
          "latest: the last two dumps (to diff what grew lately); first-last: the first and"
              + " the last (the whole growth); all: every dump. Default: ${DEFAULT-VALUE}.")
  Pair pair;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "DIR",
      defaultValue = ".",
      description = "Directory to write to (created if missing). Default: current directory.")
  Path output;

  @Option(
      names = "--presign",
      paramLabel = "DURATION",
      description =
          "Print presigned GET links valid for DURATION (e.g. 30m, 12h, 7d; at most 7d)"
              + " instead of downloading.")
  String presign;

  @Option(
      names = {"-q", "--quiet"},
      description = "No progress bar.")
  boolean quiet;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Duration expiry = presign == null ? null : parseDuration(presign);
    if (expiry != null && s3.local != null) {
      throw UserException.badInput(
          "--presign does not work with --local: the embedded S3 stops when this command ends");
    }
    try (S3Options.OpenStore open = s3.open(CliEnvironment.get())) {
      List<StoredDump> series = open.seriesOf(taskId);
      List<StoredDump> chosen = choose(series, pair);
      if (chosen.size() < 2 && pair != Pair.all) {
        err.println(
            "heapfleet: task '" + taskId + "' has only one dump so far; downloading it alone");
      }
      if (expiry != null) {
        for (StoredDump d : chosen) {
          out.println(open.store().presign(d, expiry));
        }
        return ExitCode.OK;
      }
      Files.createDirectories(output);
      boolean bar = !quiet && TransferProgress.terminal();
      List<Path> files = new ArrayList<>();
      for (StoredDump d : chosen) {
        TransferProgress progress =
            new TransferProgress(err, bar, d.key().downloadFileName(), d.sizeBytes());
        DownloadedDump got = open.store().download(d, output, progress::update);
        progress.finish(got.sizeBytes());
        files.add(got.path().toAbsolutePath());
        if (!got.verified()) {
          err.println(
              "heapfleet: warning: " + d.objectKey() + " has no recorded SHA-256; not verified");
        }
        if (verbose.verbose) {
          err.printf(
              "%s: %s, sha256 %s%s%n",
              got.path().getFileName(),
              Format.bytesOrDash(got.sizeBytes()),
              got.sha256(),
              got.verified() ? " (verified)" : "");
        }
      }
      for (Path f : files) {
        out.println(f);
      }
      out.println(hint(files));
      return ExitCode.OK;
    } catch (StorageException e) {
      throw S3Options.failure(e);
    }
  }

  static List<StoredDump> choose(List<StoredDump> series, Pair pair) {
    int n = series.size();
    return switch (pair) {
      case all -> series;
      case latest -> series.subList(Math.max(0, n - 2), n);
      case first_last -> n == 1 ? series : List.of(series.get(0), series.get(n - 1));
    };
  }

  static String hint(List<Path> files) {
    String name = files.get(0).getFileName().toString();
    boolean snapshot = name.contains(".heapsnapshot");
    String viewer =
        snapshot ? "Chrome DevTools' Memory tab (gunzip first)" : "Eclipse MAT / VisualVM";
    if (files.size() == 2) {
      return "Next: heapfleet diff "
          + quote(files.get(0))
          + " "
          + quote(files.get(1))
          + "   (or open both in "
          + viewer
          + " and compare)";
    }
    if (files.size() == 1) {
      return "Next: heapfleet histo " + quote(files.get(0)) + "   (or open it in " + viewer + ")";
    }
    String ext = DumpFormat.ofFileName(name).map(DumpFormat::extension).orElse(".hprof.gz");
    return "Next: heapfleet trend "
        + quote(files.get(0).getParent())
        + "/*"
        + ext
        + "   (growth over all dumps)";
  }

  private static String quote(Path p) {
    String s = p.toString();
    return s.matches("[A-Za-z0-9_./:@%+=,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }

  /** A {@link DurationText} duration from 1 s to 7 days (what S3 allows a presigned URL). */
  static Duration parseDuration(String text) {
    Duration d;
    try {
      d = DurationText.parse(text);
    } catch (IllegalArgumentException e) {
      throw UserException.badInput(
          "--presign: cannot read '" + text + "' as a duration; use e.g. 30m, 12h or 7d");
    }
    if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofDays(7)) > 0) {
      throw UserException.badInput("--presign " + text + ": must be between 1s and 7d");
    }
    return d;
  }

  /** Accepts {@code first-last} as written in the docs. */
  static final class PairConverter implements CommandLine.ITypeConverter<Pair> {
    @Override
    public Pair convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "latest" -> Pair.latest;
        case "first-last", "first_last" -> Pair.first_last;
        case "all" -> Pair.all;
        default ->
            throw new CommandLine.TypeConversionException(
                "'" + value + "' is not one of latest, first-last, all");
      };
    }
  }
}
