package io.heapfleet.cli;

import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.histogram.ClassStats;
import io.heapfleet.analysis.histogram.HeapRuntime;
import io.heapfleet.analysis.json.AnalysisJson;
import io.heapfleet.analysis.json.JsonWriter;
import io.heapfleet.analysis.report.Format;
import io.heapfleet.analysis.report.Markdown;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code heapfleet histo}: the class histogram of one heap dump. */
@Command(
    name = "histo",
    mixinStandardHelpOptions = true,
    header = "Print the class histogram of a heap dump: instances and shallow bytes per class.",
    description = {
      "",
      "Streams the dump once (plain .hprof, gzip, HotSpot's chunked -gz, or zstd; detected",
      "from the content) with memory bounded by the number of classes. Class names are written",
      "as in Java (byte[], java.lang.Object[], com.acme.Cache$Entry). Shallow sizes follow",
      "HotSpot's object layout (header + fields, 8-byte aligned, compressed oops detected).",
      "",
      "A Node.js V8 heap snapshot (.heapsnapshot, plain or gzip) works the same way: classes",
      "are the constructor names of Chrome DevTools' Summary view (Foo, Map, Object) and V8's",
      "own groups ((string), (closure), (array), (compiled code), (system)); sizes are V8's",
      "self sizes.",
      "The JSON form is the summary the collector stores beside each dump; diff and trend",
      "accept it in place of the dump.",
      "",
      "An uncompressed dump is scanned on every core, close to the speed of reading the file;",
      "docs/analysis.md has the benchmark.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  heapfleet histo orders-1-20261122T013000Z.hprof.gz",
      "  heapfleet histo dump.hprof --top 50",
      "  heapfleet histo dump.hprof.zst --format json > dump.histo.json",
      "  heapfleet histo web-1-20261122T013000Z.heapsnapshot.gz",
    })
final class HistoCommand implements Callable<Integer> {

  @Mixin VerboseOption verbose;

  @Parameters(paramLabel = "DUMP", description = "The heap dump (or a stored histogram JSON).")
  Path dump;

  @Option(
      names = "--top",
      paramLabel = "N",
      description = "Show the N biggest classes (default: ${DEFAULT-VALUE}; 0 = all).",
      defaultValue = "30")
  int top;

  @Mixin OutputFormatOption output;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    OutputFormat format = output.get();
    if (top < 0) {
      throw UserException.badInput("--top must be 0 (all) or positive, not " + top);
    }
    long t0 = System.nanoTime();
    if (format == OutputFormat.json) {
      JsonWriter.warmUp(); // loads the JSON classes while the dump is read
    }
    ClassHistogram h = HistogramInputs.load(dump);
    ClassHistogram shown = top == 0 ? h : h.top(top);
    PrintWriter out = spec.commandLine().getOut();
    switch (format) {
      case json -> AnalysisJson.writeHistogram(shown, out);
      case md -> out.print(Markdown.histogram(shown, dump.getFileName().toString()));
      case text -> printText(out, shown);
    }
    out.flush();
    if (verbose.verbose) {
      spec.commandLine()
          .getErr()
          .printf(
              "read %s in %s%n", dump, Format.duration(Duration.ofNanos(System.nanoTime() - t0)))
          .flush();
    }
    return ExitCode.OK;
  }

  private void printText(PrintWriter out, ClassHistogram h) {
    if (h.runtime() == HeapRuntime.NODE) {
      out.printf(
          "%s  taken %s  (V8 heap snapshot, Node.js; sizes are V8's self sizes)%n",
          dump.getFileName(), h.timestamp());
    } else {
      out.printf(
          "%s  taken %s  (%d-byte ids, %s)%n",
          dump.getFileName(), h.timestamp(), h.idSize(), h.sizeModel().label());
    }
    out.printf(
        "%s objects, %s shallow, %s classes%n%n",
        Format.count(h.instances()), Format.bytes(h.shallowBytes()), Format.count(h.classes()));
    out.printf("%5s  %14s  %11s  %6s  %s%n", "#", "instances", "shallow", "heap", "class");
    int rank = 1;
    for (ClassStats e : h.entries()) {
      out.printf(
          "%5d  %14s  %11s  %5.1f%%  %s%n",
          rank++,
          Format.count(e.instances()),
          Format.bytes(e.shallowBytes()),
          h.shallowBytes() == 0 ? 0.0 : 100.0 * e.shallowBytes() / h.shallowBytes(),
          e.className());
    }
    if (h.entries().size() < h.classes()) {
      out.printf("  ... %d more classes (--top 0 shows all)%n", h.classes() - h.entries().size());
    }
    if (!h.duplicateClasses().isEmpty()) {
      out.printf(
          "%nDefined by more than one class loader (a classloader leak sign): %s%n",
          String.join(", ", h.duplicateClasses()));
    }
    out.printf(
        "%nNext: heapfleet diff %s LATER_DUMP   (what grows between two dumps of this %s)%n",
        dump, h.runtime() == HeapRuntime.NODE ? "process" : "JVM");
  }
}
