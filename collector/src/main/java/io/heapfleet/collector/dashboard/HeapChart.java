package io.heapfleet.collector.dashboard;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Heap over time for one task, stacked by its top classes plus "other", ready for Chart.js: one x
 * value per dump, one series per class, shallow bytes. Built from the per-dump class histograms.
 * Immutable.
 *
 * @param times when each dump was taken, oldest first
 * @param series class name → bytes per dump (same length as {@code times}); "other" last
 */
public record HeapChart(List<Instant> times, Map<String, long[]> series) {

  /** A histogram reduced to what the chart needs: class → shallow bytes, plus the total. */
  public record Point(Instant time, long totalBytes, Map<String, Long> bytesByClass) {}

  /**
   * Picks the {@code top} classes by bytes in the newest dump (so today's big ones are visible) and
   * stacks them; everything else is "other".
   */
  public static HeapChart of(List<Point> points, int top) {
    List<Instant> times = new ArrayList<>();
    Map<String, long[]> series = new LinkedHashMap<>();
    if (points.isEmpty()) {
      return new HeapChart(times, series);
    }
    Point newest = points.get(points.size() - 1);
    List<String> classes =
        newest.bytesByClass().entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .limit(top)
            .map(Map.Entry::getKey)
            .toList();
    // Stack the biggest at the bottom so the growth on top is easy to see.
    for (String c : classes) {
      series.put(c, new long[points.size()]);
    }
    long[] other = new long[points.size()];
    for (int i = 0; i < points.size(); i++) {
      Point p = points.get(i);
      times.add(p.time());
      long shown = 0;
      for (String c : classes) {
        long b = p.bytesByClass().getOrDefault(c, 0L);
        series.get(c)[i] = b;
        shown += b;
      }
      other[i] = Math.max(0, p.totalBytes() - shown);
    }
    series.put("other", other);
    return new HeapChart(List.copyOf(times), series);
  }

  /** The chart as JSON for the page's script: {@code {"times":[…],"series":[{"name","bytes"}]}}. */
  public String toJson() {
    StringBuilder sb = new StringBuilder(256);
    sb.append("{\"times\":[");
    for (int i = 0; i < times.size(); i++) {
      sb.append(i == 0 ? "" : ",").append('"').append(times.get(i)).append('"');
    }
    sb.append("],\"series\":[");
    boolean first = true;
    for (Map.Entry<String, long[]> e : series.entrySet()) {
      sb.append(first ? "" : ",").append("{\"name\":");
      first = false;
      jsonString(sb, e.getKey());
      sb.append(",\"bytes\":[");
      long[] v = e.getValue();
      for (int i = 0; i < v.length; i++) {
        sb.append(i == 0 ? "" : ",").append(v[i]);
      }
      sb.append("]}");
    }
    return sb.append("]}").toString();
  }

  public boolean isEmpty() {
    return times.isEmpty();
  }

  private static void jsonString(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
          // '<' escaped so a class name can never close the surrounding <script> element.
        case '<' -> sb.append("\\u003c");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
