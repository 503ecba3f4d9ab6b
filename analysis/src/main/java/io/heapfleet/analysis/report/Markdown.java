package io.heapfleet.analysis.report;

import io.heapfleet.analysis.diff.ClassDelta;
import io.heapfleet.analysis.diff.DiffResult;
import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.histogram.ClassKind;
import io.heapfleet.analysis.histogram.ClassStats;
import io.heapfleet.analysis.retainer.GrowingOwner;
import io.heapfleet.analysis.retainer.OwnerRanking;
import io.heapfleet.analysis.retainer.RetainedDiff;
import io.heapfleet.analysis.retainer.SuspectOwner;
import io.heapfleet.analysis.trend.Assessment;
import io.heapfleet.analysis.trend.RecentGrowthText;
import io.heapfleet.analysis.trend.Snapshot;
import io.heapfleet.analysis.trend.Suspect;
import io.heapfleet.analysis.trend.TrendResult;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Diff and trend as Markdown for tickets and the per-task {@code diff.md} / {@code trend.md}
 * artifacts. Class names are put in code spans so {@code $} and {@code []} render as written.
 * Stateless.
 */
public final class Markdown {
  private Markdown() {}

  /**
   * The histogram: totals, then its classes by shallow size (as many as {@code h} holds).
   *
   * @param name what was read (a file name), for the heading
   */
  public static String histogram(ClassHistogram h, String name) {
    StringBuilder md = new StringBuilder();
    md.append("## Heap histogram of ").append(code(name)).append("\n\n");
    md.append("Taken ")
        .append(h.timestamp())
        .append(": ")
        .append(Format.count(h.instances()))
        .append(" objects, ")
        .append(Format.bytes(h.shallowBytes()))
        .append(" shallow, ")
        .append(Format.count(h.classes()))
        .append(" classes.\n\n");
    md.append("| # | Class | Instances | Shallow bytes | Heap |\n|---:|---|---:|---:|---:|\n");
    int rank = 1;
    for (ClassStats e : h.entries()) {
      md.append("| ")
          .append(rank++)
          .append(" | ")
          .append(code(e.className()))
          .append(" | ")
          .append(Format.count(e.instances()))
          .append(" | ")
          .append(Format.bytes(e.shallowBytes()))
          .append(" | ")
          .append(
              String.format(
                  Locale.ROOT,
                  "%.1f%%",
                  h.shallowBytes() == 0 ? 0.0 : 100.0 * e.shallowBytes() / h.shallowBytes()))
          .append(" |\n");
    }
    if (h.entries().size() < h.classes()) {
      md.append("\n… ").append(h.classes() - h.entries().size()).append(" more classes\n");
    }
    appendNames(md, "Defined by more than one class loader", h.duplicateClasses());
    return md.toString();
  }

  /** The diff: totals, then the top {@code limit} classes by byte growth. */
  public static String diff(DiffResult d, int limit) {
    StringBuilder md = new StringBuilder();
    md.append("## Heap diff\n\n");
    md.append("| | Base | Current | Change |\n|---|---:|---:|---:|\n");
    md.append("| Taken | ")
        .append(d.baseTimestamp())
        .append(" | ")
        .append(d.currentTimestamp())
        .append(" | ")
        .append(Format.duration(d.elapsed()))
        .append(" |\n");
    md.append("| Shallow heap | ")
        .append(Format.bytes(d.baseBytes()))
        .append(" | ")
        .append(Format.bytes(d.currentBytes()))
        .append(" | ")
        .append(Format.signedBytes(d.bytesDelta()))
        .append(" |\n");
    md.append("| Objects | ")
        .append(Format.count(d.baseInstances()))
        .append(" | ")
        .append(Format.count(d.currentInstances()))
        .append(" | ")
        .append(Format.signedCount(d.instancesDelta()))
        .append(" |\n\n");
    md.append("### Biggest growth\n\n");
    md.append("| Class | Instances | Change | Shallow bytes | Change |\n");
    md.append("|---|---:|---:|---:|---:|\n");
    List<ClassDelta> classes = d.classes();
    for (int i = 0; i < Math.min(limit, classes.size()); i++) {
      ClassDelta c = classes.get(i);
      md.append("| ")
          .append(code(c.className()))
          .append(" | ")
          .append(Format.count(c.currentInstances()))
          .append(" | ")
          .append(Format.signedCount(c.instancesDelta()))
          .append(" | ")
          .append(Format.bytes(c.currentBytes()))
          .append(" | ")
          .append(Format.signedBytes(c.bytesDelta()))
          .append(" |\n");
    }
    appendNames(md, "Classes that appeared", d.appeared());
    appendNames(md, "Classes that disappeared", d.disappeared());
    return md.toString();
  }

  /** The trend: verdict and reason, suspects, and the dumps. */
  public static String trend(TrendResult t) {
    return trend(t, Map.of());
  }

  /**
   * The trend with the deep analysis' owners of its suspects (suspect class → owner): the owner
   * that grows most and what holds it come first, in bold under the verdict, then a "Growth by
   * owner" table ({@link OwnerRanking}); after the suspects table, a "Who holds them" section with
   * each suspect's owner, its retained size and the retainer path.
   */
  public static String trend(TrendResult t, Map<String, SuspectOwner> owners) {
    StringBuilder md = new StringBuilder();
    md.append("## Heap trend: **").append(t.assessment().json()).append("**\n\n");
    List<GrowingOwner> ranked = OwnerRanking.rank(t, owners);
    if (!ranked.isEmpty() && t.assessment() == Assessment.LEAKING) {
      GrowingOwner top = ranked.get(0);
      md.append("**");
      if (top.accumulation() != null) {
        // The accumulation point: the collection where the growth piles up and what holds it.
        String collection =
            top.accumulation().describe().substring(top.accumulation().holder().length());
        md.append(code(top.accumulation().holder())).append(collection);
      } else {
        md.append(code(ClassKind.readable(top.owner())))
            .append(
                top.holder() == null
                    ? ""
                    : " held by " + code(ClassKind.readableStep(top.holder())));
      }
      md.append(": ")
          .append(Format.bytesPerHour(top.bytesPerHour()))
          .append("** (")
          .append(String.join(", ", top.classes().stream().map(Markdown::code).toList()))
          .append(")\n\n");
    }
    if (!ranked.isEmpty() && t.assessment() == Assessment.INCONCLUSIVE) {
      // What still grows, named like a leak's owner but not called one: the verdict is open.
      GrowingOwner top = ranked.get(0);
      md.append(VerdictText.WHAT_GROWS)
          .append(code(top.heldBy()))
          .append(": ")
          .append(Format.bytesPerHour(top.bytesPerHour()))
          .append("\n\n");
    }
    md.append(t.reason()).append("\n\n");
    md.append("Heap growth: ")
        .append(Format.bytesPerHour(t.heapBytesPerHour()))
        .append(" over ")
        .append(t.snapshots().size())
        .append(" dumps");
    if (t.snapshots().size() > 1) {
      md.append(" spanning ")
          .append(
              Format.duration(
                  Duration.between(
                      t.snapshots().get(0).timestamp(),
                      t.snapshots().get(t.snapshots().size() - 1).timestamp())));
    }
    md.append('.');
    String recent = RecentGrowthText.of(t);
    if (!recent.isEmpty()) {
      md.append(' ').append(recent);
    }
    md.append("\n\n");
    appendRanked(md, ranked);
    if (!t.suspects().isEmpty()) {
      md.append("### Suspects\n\n");
      md.append(
          "| # | Class | Steady | Per dump | Instances per dump | Per hour | Grew in | R² | Now |\n");
      md.append("|---:|---|:---:|---:|---:|---:|---:|---:|---:|\n");
      int rank = 1;
      for (Suspect s : t.suspects()) {
        if (rank > 10) {
          break;
        }
        md.append("| ")
            .append(rank++)
            .append(" | ")
            .append(code(s.className()))
            .append(" | ")
            .append(s.steady() ? "yes" : "no")
            .append(" | ")
            .append(Format.signedBytes(s.bytesPerStep()))
            .append(" | ")
            .append(Format.signedCount(s.instancesPerStep()))
            .append(" | ")
            .append(Format.signedBytes(s.bytesPerHour()))
            .append(" | ")
            .append(s.growingSteps())
            .append("/")
            .append(s.steps())
            .append(" | ")
            .append(Format.ratio(s.r2()))
            .append(" | ")
            .append(Format.bytes(s.currentBytes()))
            .append(" |\n");
      }
      md.append('\n');
      for (String line : VerdictText.lockstep(t.lockstep())) {
        md.append(line).append("\n\n");
      }
    }
    appendOwners(md, t, owners);
    md.append("### Dumps\n\n| Taken | Shallow heap | Objects |\n|---|---:|---:|\n");
    for (Snapshot s : t.snapshots()) {
      md.append("| ")
          .append(s.timestamp())
          .append(" | ")
          .append(Format.bytes(s.shallowBytes()))
          .append(" | ")
          .append(Format.count(s.instances()))
          .append(" |\n");
    }
    return md.toString();
  }

  private static void appendRanked(StringBuilder md, List<GrowingOwner> ranked) {
    if (ranked.isEmpty()) {
      return;
    }
    md.append("### Growth by owner\n\n");
    md.append("| # | Owner | Held by | Steady | Per hour | Owner retains | Growing classes |\n");
    md.append("|---:|---|---|:---:|---:|---:|---|\n");
    int rank = 1;
    for (GrowingOwner g : ranked) {
      if (rank > 10) {
        break;
      }
      md.append("| ")
          .append(rank++)
          .append(" | ")
          .append(code(g.owner()))
          .append(" | ")
          .append(g.holder() == null ? "" : code(g.holder()))
          .append(" | ")
          .append(g.steady() ? "yes" : "no")
          .append(" | ")
          .append(Format.signedBytes(g.bytesPerHour()))
          .append(" | ")
          .append(Format.bytes(g.retainedBytes()))
          .append(" | ")
          .append(String.join(", ", g.classes().stream().map(Markdown::code).toList()))
          .append(" |\n");
    }
    md.append('\n');
  }

  private static void appendOwners(
      StringBuilder md, TrendResult t, Map<String, SuspectOwner> owners) {
    boolean any = false;
    for (Suspect s : t.suspects()) {
      SuspectOwner o = owners.get(s.className());
      if (o == null || o.owner() == null) {
        continue;
      }
      if (!any) {
        md.append("### Who holds them\n\n");
        any = true;
      }
      md.append("- ")
          .append(code(s.className()))
          .append(": held by ")
          .append(code(o.owner()))
          .append(", which retains ")
          .append(Format.bytes(o.retainedBytes()))
          .append('\n');
      if (!o.path().isEmpty()) {
        md.append("\n  ```\n");
        for (int i = 0; i < o.path().size(); i++) {
          md.append("  ").append(i == 0 ? "  " : "→ ").append(o.path().get(i)).append('\n');
        }
        md.append("  ```\n\n");
      }
    }
    if (any) {
      md.append('\n');
    }
  }

  /**
   * Retained-size changes per class (from two deep analyses, {@link RetainedDiff}): the top {@code
   * limit} by growth, as a section to append to {@link #diff}.
   */
  public static String retainedDiff(List<RetainedDiff.Delta> deltas, int limit) {
    StringBuilder md = new StringBuilder();
    md.append("\n### Retained size\n\n");
    md.append("| Class | Base retained | Current retained | Change |\n|---|---:|---:|---:|\n");
    for (int i = 0; i < Math.min(limit, deltas.size()); i++) {
      RetainedDiff.Delta d = deltas.get(i);
      md.append("| ")
          .append(code(d.className()))
          .append(" | ")
          .append(Format.bytes(d.retainedBefore()))
          .append(" | ")
          .append(Format.bytes(d.retainedAfter()))
          .append(" | ")
          .append(Format.signedBytes(d.deltaBytes()))
          .append(" |\n");
    }
    return md.toString();
  }

  private static void appendNames(StringBuilder md, String title, List<String> names) {
    if (names.isEmpty()) {
      return;
    }
    md.append("\n").append(title).append(" (").append(names.size()).append("): ");
    for (int i = 0; i < Math.min(20, names.size()); i++) {
      md.append(i > 0 ? ", " : "").append(code(names.get(i)));
    }
    md.append(names.size() > 20 ? ", …" : "").append("\n");
  }

  private static String code(String s) {
    return "`" + s.replace("`", "'").replace("|", "\\|") + "`";
  }
}
