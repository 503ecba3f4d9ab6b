package io.heapfleet.cli;

import io.heapfleet.analysis.diff.ClassDelta;
import io.heapfleet.analysis.diff.DiffResult;
import io.heapfleet.analysis.diff.HistogramDiff;
import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.json.AnalysisJson;
import io.heapfleet.analysis.report.Format;
import io.heapfleet.analysis.report.Markdown;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
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
      ""
    },
    footer = {
      "",
      "Examples:",
      "  heapfleet diff orders-1-20261122T010000Z.hprof.gz orders-1-20261122T013000Z.hprof.gz",
      "  heapfleet diff base.hprof current.hprof --top 10 --format md >> ticket.md",
      "  heapfleet diff base.histo.json current.hprof.zst --format json",
    })
final class DiffCommand implements Callable<Integer> {

  /** Output formats of diff. */
  enum OutputFormat {
    text,
    json,
    md
  }

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

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "text, json or md (default: ${DEFAULT-VALUE}).",
      defaultValue = "text")
  OutputFormat format;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (top < 0) {
      throw UserException.badInput("--top must be 0 (all) or positive, not " + top);
    }
    ClassHistogram b = HistogramInputs.load(base);
    ClassHistogram c = HistogramInputs.load(current);
    DiffResult diff = HistogramDiff.between(b, c);
    DiffResult shown = top == 0 ? diff : diff.top(top);
    PrintWriter out = spec.commandLine().getOut();
    switch (format) {
      case json -> AnalysisJson.writeDiff(shown, out);
      case md -> out.print(Markdown.diff(diff, top == 0 ? Integer.MAX_VALUE : top));
      case text -> printText(out, shown);
    }
    out.flush();
    return ExitCode.OK;
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
