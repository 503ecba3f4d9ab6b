package io.heapfleet.cli.demo;

import io.heapfleet.analysis.json.JsonWriter;
import io.heapfleet.analysis.report.VerdictText;
import io.heapfleet.analysis.trend.Assessment;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The demo's final answer: each task's assessment, growth and top suspect, and where the Markdown
 * report is. Printed for people by {@link #toText()} and for machines by {@link #toJson()}, whose
 * shape is a fixed contract: {@code {"tasks":[{"task","assessment","heapBytesPerHour",
 * "topSuspect"}],"report":"<path>"}}, plus {@code "recentHeapBytesPerHour"} (only where it backs
 * the verdict: not for a stable task without a plateau, see {@link VerdictText#recentRate}) and,
 * for a heap that levelled off after warm-up, {@code "flatSince"} (optional; readers of the
 * contract ignore fields they do not know). Immutable.
 */
public record FleetVerdict(List<TaskVerdict> tasks, Path report) {

  /**
   * One task's verdict.
   *
   * @param assessment the trend's verdict, or {@code null} while the task has too few dumps
   * @param topSuspect the class to look at first: for a leaking task whose owners are known, the
   *     owner of what grows (e.g. {@code com.acme.cart.Cart}, not {@code byte[]}); else the trend's
   *     first suspect class; {@code null} when nothing grows
   * @param growing the top growing classes (for the text output), biggest first
   * @param recentHeapBytesPerHour the trend's heap slope over the latest dumps
   * @param plateau when the heap grew during warm-up and has been flat since, else {@code null}
   */
  public record TaskVerdict(
      String task,
      Assessment assessment,
      double heapBytesPerHour,
      String topSuspect,
      List<String> growing,
      int snapshots,
      double recentHeapBytesPerHour,
      Plateau plateau) {

    /** A verdict whose recent growth is its overall growth, with no plateau. */
    public TaskVerdict(
        String task,
        Assessment assessment,
        double heapBytesPerHour,
        String topSuspect,
        List<String> growing,
        int snapshots) {
      this(
          task,
          assessment,
          heapBytesPerHour,
          topSuspect,
          growing,
          snapshots,
          heapBytesPerHour,
          null);
    }

    public boolean leaking() {
      return assessment == Assessment.LEAKING;
    }

    /** The JSON form of the assessment; {@code unknown} while the task has too few dumps. */
    public String assessmentJson() {
      return assessment == null ? "unknown" : assessment.json();
    }

    /** The growth that goes with the verdict ({@link VerdictText#shownBytesPerHour}). */
    public double shownBytesPerHour() {
      return assessment == null
          ? 0
          : VerdictText.shownBytesPerHour(assessment, heapBytesPerHour, recentHeapBytesPerHour);
    }

    /** The growth column ({@link VerdictText#growth}). */
    public String growth() {
      return VerdictText.growth(
          assessment,
          heapBytesPerHour,
          recentHeapBytesPerHour,
          plateau == null ? null : plateau.since());
    }

    /**
     * This verdict naming {@code owner} (the class that holds what grows) as top suspect, and
     * {@code line} (owner, holder, growth, classes) as the only entry of the text's growing column.
     */
    public TaskVerdict withOwner(String owner, String line) {
      return new TaskVerdict(
          task,
          assessment,
          heapBytesPerHour,
          owner,
          List.of(line),
          snapshots,
          recentHeapBytesPerHour,
          plateau);
    }

    /** This verdict with {@code suspect} as top suspect, described as {@code how} in the text. */
    public TaskVerdict withTopSuspect(String suspect, String how) {
      List<String> g = new ArrayList<>();
      g.add(how);
      growing.stream().skip(1).forEach(g::add);
      return new TaskVerdict(
          task,
          assessment,
          heapBytesPerHour,
          suspect,
          g,
          snapshots,
          recentHeapBytesPerHour,
          plateau);
    }
  }

  /**
   * A heap that grew during warm-up (a cache filling) and has been flat since.
   *
   * @param since the first dump of the flat stretch
   * @param warmUpBytes how much the heap grew before it
   */
  public record Plateau(Instant since, long warmUpBytes) {}

  /** JDK classes and arrays: what grows, rarely what to fix. */
  public static boolean isPlatformClass(String className) {
    return className.endsWith("[]")
        || className.startsWith("java.")
        || className.startsWith("javax.")
        || className.startsWith("jdk.")
        || className.startsWith("sun.")
        || className.startsWith("com.sun.");
  }

  public FleetVerdict {
    tasks =
        tasks.stream()
            .sorted(
                Comparator.comparingInt((TaskVerdict t) -> rank(t.assessment()))
                    .thenComparing(t -> -t.shownBytesPerHour()))
            .toList();
  }

  /** Leaking first, then inconclusive (what may be a leak), stable, and not yet assessed. */
  private static int rank(Assessment a) {
    return a == null
        ? 3
        : switch (a) {
          case LEAKING -> 0;
          case INCONCLUSIVE -> 1;
          case STABLE -> 2;
        };
  }

  /** The contract JSON (one line). */
  public String toJson() {
    StringWriter out = new StringWriter();
    JsonWriter w = JsonWriter.compact(out);
    w.beginObject();
    w.name("tasks").beginArray();
    for (TaskVerdict t : tasks) {
      w.beginObject();
      w.field("task", t.task());
      w.field("assessment", t.assessmentJson());
      w.field("heapBytesPerHour", Math.round(t.heapBytesPerHour()));
      // Only a figure that backs the verdict (absent for a stable task without a plateau).
      VerdictText.recentRate(
              t.assessment(),
              t.recentHeapBytesPerHour(),
              t.plateau() == null ? null : t.plateau().since())
          .ifPresent(r -> w.field("recentHeapBytesPerHour", Math.round(r)));
      if (t.plateau() != null) {
        w.field("flatSince", t.plateau().since().toString());
      }
      w.field("topSuspect", t.topSuspect());
      w.endObject();
    }
    w.endArray();
    w.field("report", report == null ? null : report.toString());
    w.endObject();
    w.flush();
    return out.toString();
  }

  /** The verdict for people. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    int leaking = (int) tasks.stream().filter(TaskVerdict::leaking).count();
    int inconclusive =
        (int) tasks.stream().filter(t -> t.assessment() == Assessment.INCONCLUSIVE).count();
    sb.append(VerdictText.fleet(leaking, inconclusive)).append("\n\n");
    int growthWidth =
        Math.max(
            "GROWTH".length(), tasks.stream().mapToInt(t -> t.growth().length()).max().orElse(0));
    String row = "  %-16s %-12s %" + growthWidth + "s  %s%n";
    sb.append(
        String.format(
            Locale.ROOT, row, "TASK", "VERDICT", "GROWTH", "TOP SUSPECT (OWNER FIRST WHEN KNOWN)"));
    for (TaskVerdict t : tasks) {
      String classes =
          t.topSuspect() != null && !t.growing().isEmpty()
              ? String.join(", ", t.growing().subList(0, Math.min(3, t.growing().size())))
              : t.topSuspect() != null ? t.topSuspect() : "-";
      String warmUp =
          VerdictText.warmUp(
                  t.assessment(),
                  t.plateau() == null ? null : t.plateau().since(),
                  t.plateau() == null ? 0 : t.plateau().warmUpBytes())
              .map(w -> " (" + w + ")")
              .orElse("");
      sb.append(
          String.format(
              Locale.ROOT, row, t.task(), t.assessmentJson(), t.growth(), classes + warmUp));
    }
    if (tasks.stream().anyMatch(t -> !t.leaking())) {
      sb.append(
          "\n  GROWTH: heap slope over all dumps for a leaking task, over the latest dumps for an"
              + " inconclusive one; flat: a stable task's recent growth is within noise.\n");
    }
    if (report != null) {
      sb.append('\n').append("Report: ").append(report).append('\n');
    }
    return sb.toString();
  }
}
