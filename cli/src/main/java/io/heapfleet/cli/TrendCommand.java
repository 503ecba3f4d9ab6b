package io.heapfleet.cli;

import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.hprof.HprofFormatException;
import io.heapfleet.analysis.json.AnalysisJson;
import io.heapfleet.analysis.report.Format;
import io.heapfleet.analysis.report.Markdown;
import io.heapfleet.analysis.report.VerdictText;
import io.heapfleet.analysis.retainer.DeepOptions;
import io.heapfleet.analysis.retainer.GraphTooLargeException;
import io.heapfleet.analysis.retainer.GrowingOwner;
import io.heapfleet.analysis.retainer.OwnerRanking;
import io.heapfleet.analysis.retainer.SuspectOwner;
import io.heapfleet.analysis.retainer.TrendOwners;
import io.heapfleet.analysis.trend.Assessment;
import io.heapfleet.analysis.trend.RecentGrowthText;
import io.heapfleet.analysis.trend.Suspect;
import io.heapfleet.analysis.trend.TrendAnalysis;
import io.heapfleet.analysis.trend.TrendResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code heapfleet trend}: is this JVM leaking, how fast, and what grows. */
@Command(
    name = "trend",
    mixinStandardHelpOptions = true,
    header = "Judge a series of dumps of one JVM: leaking or stable, MiB/h, what grows.",
    description = {
      "",
      "Orders the dumps by their own timestamps, fits every class's shallow bytes and instance",
      "count against time (least squares), and calls a class a leak suspect when it grew in at",
      "least 75%% of the intervals, the fit explains at least 80%% of its variation (R²), it",
      "still grows in the later half of the series, and it grew by at least 64 KiB. A cache",
      "that fills and then stays full, or sizes that go up and down, are stable.",
      "DUMP may also be a stored histogram JSON (histo --format json).",
      "With --deep the newest DUMP (a dump, not a JSON) is also analysed deeply: each top",
      "suspect gains its owner (the class that holds it), the bytes that owner retains and",
      "the retainer path from a GC root (see heapfleet retainers), and the growth is also",
      "attributed to owners: when byte[] grows inside Cart objects kept in a static map, the",
      "verdict names Cart and the map first, with the growth of byte[] and Cart added up.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  heapfleet trend orders-1-*.hprof.gz",
      "  heapfleet trend d1.hprof d2.hprof d3.hprof d4.hprof --format md > trend.md",
      "  heapfleet trend summaries/*.json --format json",
      "  heapfleet trend d1.hprof d2.hprof d3.hprof --deep --format json",
    })
final class TrendCommand implements Callable<Integer> {

  @Mixin VerboseOption verbose;

  @Parameters(
      paramLabel = "DUMP",
      arity = "1..*",
      description = "Dumps (or stored histogram JSON) of one JVM, any order; 3 or more to judge.")
  List<Path> dumps = new ArrayList<>();

  @Mixin OutputFormatOption output;

  @Option(
      names = "--deep",
      description =
          "Also find who holds the top suspects in the newest dump (owner, retained bytes, path).")
  boolean deep;

  @Option(
      names = "--deep-suspects",
      paramLabel = "N",
      description = "With --deep: how many top suspects to explain (default: ${DEFAULT-VALUE}).",
      defaultValue = "5")
  int deepSuspects;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    OutputFormat format = output.get();
    List<ClassHistogram> histograms = new ArrayList<>();
    List<Path> byTime = new ArrayList<>();
    for (Path dump : dumps) {
      ClassHistogram h = HistogramInputs.load(dump);
      histograms.add(h);
      byTime.add(dump);
    }
    HistogramInputs.requireOneRuntime(histograms, byTime);
    TrendResult trend;
    try {
      trend = TrendAnalysis.of(histograms);
    } catch (IllegalArgumentException e) {
      throw UserException.badInput(e.getMessage());
    }
    // The newest dump, for the suggested next command.
    Path latest =
        byTime.get(
            histograms.indexOf(
                histograms.stream().max(Comparator.comparing(ClassHistogram::timestamp)).get()));
    if (deepSuspects < 1) {
      throw UserException.badInput("--deep-suspects must be positive, not " + deepSuspects);
    }
    Map<String, SuspectOwner> owners = deep ? owners(trend, latest) : Map.of();
    PrintWriter out = spec.commandLine().getOut();
    switch (format) {
      case json -> AnalysisJson.writeTrend(trend, owners, out);
      case md -> out.print(Markdown.trend(trend, owners));
      case text -> printText(out, trend, latest, owners);
    }
    out.flush();
    return ExitCode.OK;
  }

  /** The deep analysis of the newest dump for the top suspects. */
  private Map<String, SuspectOwner> owners(TrendResult trend, Path latest) {
    try {
      return TrendOwners.of(trend, latest, DeepOptions.defaults(), deepSuspects);
    } catch (HprofFormatException e) {
      throw new UserException(
          ExitCode.BAD_INPUT,
          latest + ": --deep needs the newest input to be a heap dump: " + e.getMessage(),
          e);
    } catch (GraphTooLargeException e) {
      throw UserException.failure(latest + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw UserException.failure("cannot read " + latest + ": " + e.getMessage(), e);
    }
  }

  private static void printText(
      PrintWriter out, TrendResult t, Path latest, Map<String, SuspectOwner> owners) {
    List<GrowingOwner> ranked = OwnerRanking.rank(t, owners);
    // Owner first: what to fix is the class that holds the growing objects, and its holder.
    out.println(VerdictText.line(t.assessment(), t.reason(), ranked));
    if (t.assessment() == Assessment.LEAKING && !ranked.isEmpty()) {
      out.println("  " + t.reason());
    }
    VerdictText.whatGrows(t.assessment(), ranked).ifPresent(w -> out.println("  " + w));
    int n = t.snapshots().size();
    Duration span =
        n > 1
            ? Duration.between(
                t.snapshots().get(0).timestamp(), t.snapshots().get(n - 1).timestamp())
            : Duration.ZERO;
    out.printf(
        "Heap: %s over %d dumps spanning %s (%s -> %s shallow)%n",
        Format.bytesPerHour(t.heapBytesPerHour()),
        n,
        Format.duration(span),
        Format.bytes(t.snapshots().get(0).shallowBytes()),
        Format.bytes(t.snapshots().get(n - 1).shallowBytes()));
    String recent = RecentGrowthText.of(t);
    if (!recent.isEmpty()) {
      out.println("      " + recent);
    }
    if (!ranked.isEmpty()) {
      out.printf("%nGrowth by owner (newest dump analysed deeply):%n");
      out.printf(
          "%3s  %-7s %13s  %13s  %s%n",
          "#", "steady", "per hour", "owner retains", "owner (growing classes)");
      int rank = 1;
      for (GrowingOwner g : ranked.subList(0, Math.min(10, ranked.size()))) {
        out.printf(
            "%3d  %-7s %13s  %13s  %s (%s)%n",
            rank++,
            g.steady() ? "yes" : "no",
            Format.bytesPerHour(g.bytesPerHour()),
            Format.bytes(g.retainedBytes()),
            g.heldBy(),
            String.join(", ", g.classes().stream().map(GrowingOwner::shortName).toList()));
      }
    }
    List<Suspect> shown = t.suspects().subList(0, Math.min(10, t.suspects().size()));
    if (!shown.isEmpty()) {
      out.printf(
          "%n%3s  %-7s %14s  %11s  %13s  %-9s  %s%n",
          "#", "steady", "+inst/dump", "+size/dump", "per hour", "grew", "class");
      int rank = 1;
      for (Suspect s : shown) {
        out.printf(
            "%3d  %-7s %14s  %11s  %13s  %-9s  %s%n",
            rank++,
            s.steady() ? "yes" : "no",
            Format.signedCount(s.instancesPerStep()),
            Format.signedBytes(s.bytesPerStep()),
            Format.bytesPerHour(s.bytesPerHour()),
            s.growingSteps() + "/" + s.steps() + " " + Format.ratio(s.r2()),
            s.className());
      }
      out.println("     (grew = intervals in which it grew, then R² of the linear fit)");
    }
    for (String line : VerdictText.lockstep(t.lockstep())) {
      out.println("  " + line);
    }
    if (!owners.isEmpty()) {
      out.printf("%nWho holds them (newest dump):%n");
      for (SuspectOwner o : owners.values()) {
        if (o.owner() == null) {
          continue;
        }
        out.printf(
            "  %s: held by %s, retaining %s%n",
            o.className(), o.owner(), Format.bytes(o.retainedBytes()));
        for (int i = 0; i < o.path().size(); i++) {
          out.printf("      %s%s%n", i == 0 ? "  " : "→ ", o.path().get(i));
        }
      }
    }
    if (t.assessment() == Assessment.LEAKING && !ranked.isEmpty()) {
      out.printf(
          "%nNext: heapfleet retainers %s --class '%s'   (what holds the owner, in detail)%n",
          latest, ownerClass(ranked.get(0).owner()));
    } else if (t.assessment() == Assessment.LEAKING && !t.suspects().isEmpty()) {
      out.printf(
          "%nNext: heapfleet retainers %s --class '%s'   (who holds them)%n",
          latest, t.suspects().get(0).className());
    } else if (n < TrendAnalysis.MIN_DUMPS) {
      out.printf("%nNext: take more dumps of this JVM (e.g. every 30 min), then run trend again%n");
    } else {
      out.printf("%nNext: keep collecting; run trend again when more dumps arrive%n");
    }
  }

  /** The class of an owner: a V8 owner names its holder too ("Map held by closure memoized"). */
  private static String ownerClass(String owner) {
    int at = owner.indexOf(OwnerRanking.HELD_BY);
    return at < 0 ? owner : owner.substring(0, at);
  }
}
