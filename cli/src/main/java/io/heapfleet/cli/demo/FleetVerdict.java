package io.heapfleet.cli.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The demo's final answer: each task's assessment, growth and top suspect, and where the Markdown
 * report is. Printed for people by {@link #toText()} and for machines by {@link #toJson()}, whose
 * shape is a fixed contract: {@code {"tasks":[{"task","assessment","heapBytesPerHour",
 * "topSuspect"}],"report":"<path>"}}, plus {@code "recentHeapBytesPerHour"} and, for a heap that
 * levelled off after warm-up, {@code "flatSince"} (fields added later; readers of the contract
 * ignore them). Immutable.
 */
public record FleetVerdict(List<TaskVerdict> tasks, Path report) {

  /**
   * One task's verdict.
   *
   * @param topSuspect the class to look at first: for a leaking task whose owners are known, the
   *     owner of what grows (e.g. {@code com.acme.cart.Cart}, not {@code byte[]}); else the trend's
   *     first suspect class; {@code null} when nothing grows
   * @param growing the top growing classes (for the text output), biggest first
   * @param recentHeapBytesPerHour the trend's heap slope over the latest dumps
   * @param plateau when the heap grew during warm-up and has been flat since, else {@code null}
   */
  public record TaskVerdict(
      String task,
      String assessment,
      double heapBytesPerHour,
      String topSuspect,
      List<String> growing,
      int snapshots,
      double recentHeapBytesPerHour,
      Plateau plateau) {

    /** A verdict whose recent growth is its overall growth, with no plateau. */
    public TaskVerdict(
        String task,
        String assessment,
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
      return "leaking".equals(assessment);
    }

    /**
     * The growth people see: the whole series' slope for a leaking task; for a stable one the slope
     * over the latest dumps, so a cache that filled during warm-up does not read as growth.
     */
    public double shownBytesPerHour() {
      return leaking() ? heapBytesPerHour : recentHeapBytesPerHour;
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
                Comparator.comparing((TaskVerdict t) -> !t.leaking())
                    .thenComparing(t -> -t.shownBytesPerHour()))
            .toList();
  }

  /** The contract JSON (one line). */
  public String toJson() {
    ObjectMapper m = new ObjectMapper();
    ObjectNode root = m.createObjectNode();
    ArrayNode arr = root.putArray("tasks");
    for (TaskVerdict t : tasks) {
      ObjectNode n = arr.addObject();
      n.put("task", t.task());
      n.put("assessment", t.assessment());
      n.put("heapBytesPerHour", Math.round(t.heapBytesPerHour()));
      n.put("recentHeapBytesPerHour", Math.round(t.recentHeapBytesPerHour()));
      if (t.plateau() != null) {
        n.put("flatSince", t.plateau().since().toString());
      }
      if (t.topSuspect() == null) {
        n.putNull("topSuspect");
      } else {
        n.put("topSuspect", t.topSuspect());
      }
    }
    if (report == null) {
      root.putNull("report");
    } else {
      root.put("report", report.toString());
    }
    return root.toString();
  }

  /** The verdict for people. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    List<TaskVerdict> leaking = tasks.stream().filter(TaskVerdict::leaking).toList();
    if (leaking.isEmpty()) {
      sb.append("Fleet verdict: no task is leaking.\n");
    } else {
      sb.append("Fleet verdict: ")
          .append(leaking.size() == 1 ? "1 task is" : leaking.size() + " tasks are")
          .append(" leaking.\n");
    }
    sb.append('\n');
    sb.append(
        String.format(
            Locale.ROOT,
            "  %-16s %-9s %13s  %s%n",
            "TASK",
            "VERDICT",
            "GROWTH",
            "TOP SUSPECT (OWNER FIRST WHEN KNOWN)"));
    for (TaskVerdict t : tasks) {
      String classes =
          t.leaking() && !t.growing().isEmpty()
              ? String.join(", ", t.growing().subList(0, Math.min(3, t.growing().size())))
              : "-";
      if (!t.leaking() && t.plateau() != null) {
        classes +=
            String.format(
                Locale.ROOT,
                " (warm-up: grew %.1f MB, flat since %s)",
                t.plateau().warmUpBytes() / 1_048_576.0,
                t.plateau().since().truncatedTo(ChronoUnit.SECONDS));
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "  %-16s %-9s %13s  %s%n",
              t.task(),
              t.assessment(),
              t.plateau() != null
                  ? "flat" // the slope of a few wobbling dumps after warm-up is noise
                  : String.format(Locale.ROOT, "%+.1f MB/h", t.shownBytesPerHour() / 1_048_576.0),
              classes));
    }
    if (tasks.stream().anyMatch(t -> !t.leaking())) {
      sb.append(
          "\n  GROWTH: heap slope over all dumps for a leaking task, over the latest dumps for a"
              + " stable one; flat: no new high since the warm-up.\n");
    }
    if (report != null) {
      sb.append('\n').append("Report: ").append(report).append('\n');
    }
    return sb.toString();
  }
}
