package io.heapfleet.cli;

import io.heapfleet.analysis.hprof.HprofFormatException;
import io.heapfleet.analysis.retainer.DeepAnalysis;
import io.heapfleet.analysis.retainer.DeepJson;
import io.heapfleet.analysis.retainer.DeepOptions;
import io.heapfleet.analysis.retainer.DeepResult;
import io.heapfleet.analysis.retainer.DeepText;
import io.heapfleet.analysis.retainer.GraphTooLargeException;
import io.heapfleet.analysis.v8.HeapSnapshotFormatException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code heapfleet retainers}: who holds a class — dominators, retained sizes, retainer paths. */
@Command(
    name = "retainers",
    mixinStandardHelpOptions = true,
    header = "Show who holds a class in a dump: owner, retained size, path from a GC root.",
    description = {
      "",
      "Builds the dump's object graph in compact arrays, computes the dominator tree and every",
      "object's retained size, and for each --class names the owner: the nearest application",
      "object (or static field) that dominates its instances, what it retains, and the shortest",
      "retainer path from a GC root with field names. Without --class it prints the classes and",
      "objects that retain the most. Large dumps spill to memory-mapped temp files beyond",
      "--heap-budget; a dump that cannot fit fails early naming the -Xmx it needs",
      "(set it with HEAPFLEET_JAVA_OPTS for the ./heapfleet launcher).",
      "",
      "A Node.js V8 heap snapshot (.heapsnapshot, plain or gzip) works too: classes are",
      "DevTools' Summary groups (Foo, Map, (closure)), weak edges are ignored, and the owner",
      "is named with what holds it: Map held by closure memoized (context variable cache).",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  heapfleet retainers orders-1a2b.hprof.gz --class byte[]",
      "  heapfleet retainers dump.hprof --class com.acme.cart.Cart --format json",
      "  heapfleet retainers dump.hprof --top 30 --heap-budget 512",
      "  heapfleet retainers web-1.heapsnapshot --class Quote",
    })
final class RetainersCommand implements Callable<Integer> {

  @Mixin VerboseOption verbose;

  @Parameters(
      index = "0",
      paramLabel = "DUMP",
      description = "HPROF dump (plain, .gz or .zst) or V8 heap snapshot (plain or .gz).")
  Path dump;

  @Option(
      names = {"-c", "--class"},
      paramLabel = "CLASS",
      description =
          "Suspect class as Java writes it (byte[], com.acme.cart.Cart, java.util.HashMap$Node);"
              + " repeatable.")
  List<String> classes = new ArrayList<>();

  @Option(
      names = "--top",
      paramLabel = "N",
      defaultValue = "15",
      description = "Classes and dominators to list. Default: ${DEFAULT-VALUE}.")
  int top;

  @Option(
      names = "--owners",
      paramLabel = "N",
      defaultValue = "3",
      description = "Owners to show per class. Default: ${DEFAULT-VALUE}.")
  int owners;

  @Option(
      names = "--heap-budget",
      paramLabel = "MiB",
      description =
          "MiB (2^20 bytes) of graph arrays kept on the Java heap; the rest spills to"
              + " memory-mapped temp files. Default: half of -Xmx.")
  Long heapBudgetMb;

  @Option(
      names = "--spill-dir",
      paramLabel = "DIR",
      description = "Where spilled arrays go (deleted afterwards). Default: java.io.tmpdir.")
  Path spillDir;

  @Option(names = "--no-labels", description = "Skip the extra pass that names path fields.")
  boolean noLabels;

  @Mixin OutputFormatOption output;

  @Option(names = "--json", description = "Same as --format json.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    OutputFormat format = output.requireTextOrJson("retainers");
    if (!Files.isRegularFile(dump)) {
      throw UserException.badInput("no such dump file: " + dump);
    }
    if (top < 0 || owners < 1) {
      throw UserException.badInput(
          "--top must be >= 0 and --owners >= 1 but were " + top + " and " + owners);
    }
    DeepOptions defaults = DeepOptions.defaults();
    DeepOptions options =
        new DeepOptions(
            heapBudgetMb == null ? defaults.arrayHeapBudgetBytes() : heapBudgetMb << 20,
            spillDir == null ? defaults.spillDirectory() : spillDir,
            top,
            Math.max(top, 1),
            owners,
            !noLabels);
    DeepResult result;
    try {
      result = DeepAnalysis.of(dump, options, classes);
    } catch (HprofFormatException | HeapSnapshotFormatException e) {
      throw new UserException(ExitCode.BAD_INPUT, dump + ": " + e.getMessage(), e);
    } catch (NoSuchFileException e) {
      throw UserException.badInput("no such file: " + e.getFile());
    } catch (GraphTooLargeException e) {
      throw UserException.failure(dump + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw UserException.failure("cannot read " + dump + ": " + e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    boolean asJson = json || format == OutputFormat.json;
    out.print(asJson ? DeepJson.toJson(result) : DeepText.render(result, top, top));
    out.flush();
    return ExitCode.OK;
  }
}
