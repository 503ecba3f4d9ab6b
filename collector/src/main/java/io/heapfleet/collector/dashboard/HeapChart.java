package io.heapfleet.collector.dashboard;

import io.heapfleet.analysis.json.JsonWriter;
import java.io.StringWriter;
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

  /**
   * The chart as JSON for the page's script: {@code {"times":[…],"series":[{"name","bytes"}]}}; a
   * {@code <} in a class name is escaped so that it can never close the surrounding {@code
   * <script>} element.
   */
  public String toJson() {
    StringWriter out = new StringWriter(256);
    JsonWriter w = JsonWriter.compactForScript(out);
    w.beginObject();
    w.name("times").beginArray();
    times.forEach(t -> w.string(t.toString()));
    w.endArray();
    w.name("series").beginArray();
    for (Map.Entry<String, long[]> e : series.entrySet()) {
      w.beginObject();
      w.field("name", e.getKey());
      w.name("bytes").beginArray();
      for (long v : e.getValue()) {
        w.number(v);
      }
      w.endArray();
      w.endObject();
    }
    w.endArray();
    w.endObject();
    w.flush();
    return out.toString();
  }

  public boolean isEmpty() {
    return times.isEmpty();
  }
}
