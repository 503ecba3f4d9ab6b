package io.heapfleet.cli;

import io.heapfleet.analysis.diff.ClassDelta;
import io.heapfleet.analysis.diff.DiffResult;
import io.heapfleet.analysis.diff.HistogramDiff;
import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.hprof.HprofFormatException;
import io.heapfleet.analysis.json.AnalysisJson;
import io.heapfleet.analysis.report.Format;
import io.heapfleet.analysis.report.Markdown;
import io.heapfleet.analysis.retainer.DeepAnalysis;
import io.heapfleet.analysis.retainer.DeepOptions;
import io.heapfleet.analysis.retainer.DeepResult;
import io.heapfleet.analysis.retainer.GraphTooLargeException;
import io.heapfleet.analysis.retainer.RetainedDiff;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code heapfleet diff}: what grew between two dumps of the same JVM. */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    header = "Compare two heap dumps of one JVM: per class, what grew, biggest growth first.",
    description = {
      "",
      "BASE and CURRENT are dumps (any format) or stored histogram JSON. Classes are listed by",
      "shallow byte growth, biggest first; classes that shrank come last.",
      "With --deep both dumps (dumps, not JSON) are also analysed deeply and each class gains",
      "its retained size in both and the change (what the class keeps alive, not only its own",
      "bytes).",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  heapfleet diff orders-1-0100Z.hprof.gz orders-1-0130Z.hprof.gz",
      "  heapfleet diff base.hprof current.hprof --top 10 --format md >> ticket.md",
      "  heapfleet diff base.histo.json current.hprof.zst --format json",
      "  heapfleet diff base.hprof current.hprof --deep --format json",
    })
final class DiffCommand implements Callable<Integer> {

  @Mixin VerboseOption verbose;

  @Parameters(index = "0", paramLabel = "BASE", description = "The earlier dump.")
  Path base;

  @Parameters(index = "1", paramLabel = "CURRENT", description = "The later dump.")
  Path current;

  @Option(
      names = "--top",
      paramLabel = "N",
      description = "Show the N classes that grew most (default: ${DEFAULT-VALUE}; 0 = all).",
      defaultValue = "20")
  int top;

  @Mixin OutputFormatOption output;

  @Option(
      names = "--deep",
      description = "Also compare retained sizes per class (a deep analysis of both dumps).")
  boolean deep;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Classes with the biggest retained sizes compared by --deep. */
  static final int DEEP_CLASSES = 500;

  @Override
  public Integer call() throws IOException {
    OutputFormat format = output.get();
    if (top < 0) {
      throw UserException.badInput("--top must be 0 (all) or positive, not " + top);
    }
    ClassHistogram b = HistogramInputs.load(base);
    ClassHistogram c = HistogramInputs.load(current);
    HistogramInputs.requireOneRuntime(List.of(b, c), List.of(base, current));
    DiffResult diff = HistogramDiff.between(b, c);
    DiffResult shown = top == 0 ? diff : diff.top(top);
    List<RetainedDiff.Delta> retained =
        deep ? RetainedDiff.between(deepAnalysis(base), deepAnalysis(current)) : List.of();
    List<RetainedDiff.Delta> retainedShown =
        top == 0 ? retained : retained.subList(0, Math.min(top, retained.size()));
    PrintWriter out = spec.commandLine().getOut();
    switch (format) {
      case json -> AnalysisJson.writeDiff(shown, retainedShown, out);
      case md -> {
        out.print(Markdown.diff(diff, top == 0 ? Integer.MAX_VALUE : top));
        if (deep) {
          out.print(Markdown.retainedDiff(retained, top == 0 ? Integer.MAX_VALUE : top));
        }
      }
      case text -> {
        printText(out, shown);
        if (deep) {
          printRetained(out, retainedShown);
        }
      }
    }
    out.flush();
    return ExitCode.OK;
  }

  private static DeepResult deepAnalysis(Path dump) {
    try {
      return DeepAnalysis.of(
          dump, DeepOptions.defaults().withTop(0, DEEP_CLASSES).withoutLabels(), List.of());
    } catch (HprofFormatException e) {
      throw new UserException(
          ExitCode.BAD_INPUT, dump + ": --deep needs heap dumps: " + e.getMessage(), e);
    } catch (GraphTooLargeException e) {
      throw UserException.failure(dump + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw UserException.failure("cannot read " + dump + ": " + e.getMessage(), e);
    }
  }

  private static void printRetained(PrintWriter out, List<RetainedDiff.Delta> deltas) {
    out.printf(
        "%nRetained size (deep):%n%11s  %11s  %11s  %s%n", "+retained", "base", "current", "class");
    for (RetainedDiff.Delta d : deltas) {
      out.printf(
          "%11s  %11s  %11s  %s%n",
          Format.signedBytes(d.deltaBytes()),
          Format.bytes(d.retainedBefore()),
          Format.bytes(d.retainedAfter()),
          d.className());
    }
  }

  private void printText(PrintWriter out, DiffResult d) {
    out.printf(
        "Heap %s %s (%s objects) in %s: %s -> %s%n",
        d.bytesDelta() >= 0 ? "grew" : "shrank",
        Format.signedBytes(d.bytesDelta()),
        Format.signedCount(d.instancesDelta()),
        Format.duration(d.elapsed()),
        Format.bytes(d.baseBytes()),
        Format.bytes(d.currentBytes()));
    if (d.elapsed().isNegative()) {
      out.println("Note: CURRENT was taken before BASE; swap them to see growth.");
    }
    out.printf(
        "%n%14s  %11s  %14s  %11s  %s%n",
        "+instances", "+shallow", "instances", "shallow", "class");
    for (ClassDelta c : d.classes()) {
      out.printf(
          "%14s  %11s  %14s  %11s  %s%n",
          Format.signedCount(c.instancesDelta()),
          Format.signedBytes(c.bytesDelta()),
          Format.count(c.currentInstances()),
          Format.bytes(c.currentBytes()),
          c.className());
    }
    if (!d.appeared().isEmpty()) {
      out.printf("%nAppeared (%d): %s%n", d.appeared().size(), names(d.appeared()));
    }
    if (!d.disappeared().isEmpty()) {
      out.printf("Disappeared (%d): %s%n", d.disappeared().size(), names(d.disappeared()));
    }
    out.printf(
        "%nNext: heapfleet trend %s %s MORE_DUMPS...   (3+ dumps tell a steady leak from noise)%n",
        base, current);
  }

  private static String names(java.util.List<String> names) {
    return String.join(", ", names.subList(0, Math.min(10, names.size())))
        + (names.size() > 10 ? ", ..." : "");
  }
}
