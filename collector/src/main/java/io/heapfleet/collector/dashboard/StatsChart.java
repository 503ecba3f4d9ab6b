package io.heapfleet.collector.dashboard;

import io.heapfleet.analysis.json.JsonWriter;
import io.heapfleet.collector.stats.StatsSample;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * A task's stats series for the task page's second chart: old generation after GC, old generation
 * in use and heap used over time, with the dumps marked on the same time axis, so a reader sees
 * what the adaptive policy saw between dumps. Immutable.
 *
 * @param samples the series, oldest first (at most {@link #MAX_POINTS}, the newest)
 * @param heapMax the heap's limit, or -1
 * @param dumps when the stored dumps were taken, oldest first
 */
public record StatsChart(List<StatsSample> samples, long heapMax, List<Instant> dumps) {

  /** The most samples drawn: a day of one-minute polls. */
  public static final int MAX_POINTS = 1440;

  public StatsChart {
    samples =
        List.copyOf(
            samples.size() > MAX_POINTS
                ? samples.subList(samples.size() - MAX_POINTS, samples.size())
                : samples);
    dumps = List.copyOf(dumps);
  }

  /** No series (stats off, or the task serves none). */
  public static StatsChart empty() {
    return new StatsChart(List.of(), -1, List.of());
  }

  public boolean isEmpty() {
    return samples.isEmpty();
  }

  /**
   * The chart as JSON for the page's script: {@code {"time":[epoch ms…],"oldGenAfterGc":[…],
   * "oldGenUsed":[…],"heapUsed":[…],"heapMax":…,"dumps":[epoch ms…]}}, bytes, {@code null} where
   * the task did not report a figure (the line then has a gap).
   */
  public String toJson() {
    StringWriter out = new StringWriter(64 + samples.size() * 48);
    JsonWriter w = JsonWriter.compactForScript(out);
    w.beginObject();
    w.name("time").beginArray();
    samples.forEach(s -> w.number(s.time().toEpochMilli()));
    w.endArray();
    column(w, "oldGenAfterGc", StatsSample::oldGenAfterGc);
    column(w, "oldGenUsed", StatsSample::oldGenUsed);
    column(w, "heapUsed", StatsSample::heapUsed);
    w.name("heapMax").number(heapMax);
    w.name("dumps").beginArray();
    dumps.forEach(d -> w.number(d.toEpochMilli()));
    w.endArray();
    w.endObject();
    w.flush();
    return out.toString();
  }

  private void column(JsonWriter w, String name, ToLongFunction<StatsSample> figure) {
    w.name(name).beginArray();
    for (StatsSample s : samples) {
      long v = figure.applyAsLong(s);
      if (v < 0) {
        w.nullValue();
      } else {
        w.number(v);
      }
    }
    w.endArray();
  }
}
