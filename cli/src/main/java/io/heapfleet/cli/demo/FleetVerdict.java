package io.heapfleet.cli.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The demo's final answer: each task's assessment, growth and top suspect, and where the Markdown
 * report is. Printed for people by {@link #toText()} and for machines by {@link #toJson()}, whose
 * shape is a fixed contract: {@code {"tasks":[{"task","assessment","heapBytesPerHour",
 * "topSuspect"}],"report":"<path>"}}. Immutable.
 */
public record FleetVerdict(List<TaskVerdict> tasks, Path report) {

  /**
   * One task's verdict.
   *
   * @param topSuspect the trend's first suspect class, or {@code null} when nothing grows
   * @param growing the top growing classes (for the text output), biggest first
   */
  public record TaskVerdict(
      String task,
      String assessment,
      double heapBytesPerHour,
      String topSuspect,
      List<String> growing,
      int snapshots) {
    public boolean leaking() {
      return "leaking".equals(assessment);
    }

    /** This verdict with {@code suspect} as top suspect, described as {@code how} in the text. */
    public TaskVerdict withTopSuspect(String suspect, String how) {
      List<String> g = new ArrayList<>();
      g.add(how);
      growing.stream().skip(1).forEach(g::add);
      return new TaskVerdict(task, assessment, heapBytesPerHour, suspect, g, snapshots);
    }
  }

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
                    .thenComparing(t -> -t.heapBytesPerHour()))
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
            "TOP GROWING CLASSES"));
    for (TaskVerdict t : tasks) {
      String classes =
          t.leaking() && !t.growing().isEmpty()
              ? String.join(", ", t.growing().subList(0, Math.min(3, t.growing().size())))
              : "-";
      sb.append(
          String.format(
              Locale.ROOT,
              "  %-16s %-9s %13s  %s%n",
              t.task(),
              t.assessment(),
              String.format(Locale.ROOT, "%+.1f MB/h", t.heapBytesPerHour() / 1_048_576.0),
              classes));
    }
    if (report != null) {
      sb.append('\n').append("Report: ").append(report).append('\n');
    }
    return sb.toString();
  }
}
