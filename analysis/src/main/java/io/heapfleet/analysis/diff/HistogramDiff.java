package io.heapfleet.analysis.diff;

import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.histogram.ClassStats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Compares two class histograms of the same JVM. Stateless and thread-safe. */
public final class HistogramDiff {
  /** Biggest byte growth first, then instance growth, then name. */
  public static final Comparator<ClassDelta> BIGGEST_GROWTH_FIRST =
      Comparator.comparingLong(ClassDelta::bytesDelta)
          .reversed()
          .thenComparing(Comparator.comparingLong(ClassDelta::instancesDelta).reversed())
          .thenComparing(ClassDelta::className);

  private HistogramDiff() {}

  /**
   * Per class before/after/delta. A class missing on one side counts as zero there; it is listed as
   * appeared/disappeared only when that side's histogram is complete (not cut to a top N).
   */
  public static DiffResult between(ClassHistogram base, ClassHistogram current) {
    Map<String, ClassStats> before = byName(base);
    Map<String, ClassStats> after = byName(current);
    TreeSet<String> names = new TreeSet<>(before.keySet());
    names.addAll(after.keySet());
    List<ClassDelta> deltas = new ArrayList<>(names.size());
    List<String> appeared = new ArrayList<>();
    List<String> disappeared = new ArrayList<>();
    boolean baseComplete = base.entries().size() >= base.classes();
    boolean currentComplete = current.entries().size() >= current.classes();
    for (String name : names) {
      ClassStats b = before.get(name);
      ClassStats c = after.get(name);
      deltas.add(
          new ClassDelta(
              name,
              b == null ? 0 : b.instances(),
              c == null ? 0 : c.instances(),
              b == null ? 0 : b.shallowBytes(),
              c == null ? 0 : c.shallowBytes()));
      if (b == null && baseComplete) {
        appeared.add(name);
      }
      if (c == null && currentComplete) {
        disappeared.add(name);
      }
    }
    deltas.sort(BIGGEST_GROWTH_FIRST);
    return new DiffResult(
        base.timestamp(),
        current.timestamp(),
        base.instances(),
        current.instances(),
        base.shallowBytes(),
        current.shallowBytes(),
        deltas,
        appeared,
        disappeared);
  }

  private static Map<String, ClassStats> byName(ClassHistogram h) {
    Map<String, ClassStats> map = new HashMap<>();
    for (ClassStats e : h.entries()) {
      map.put(e.className(), e);
    }
    return map;
  }
}
