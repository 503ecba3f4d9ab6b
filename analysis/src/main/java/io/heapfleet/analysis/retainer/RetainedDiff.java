package io.heapfleet.analysis.retainer;

import io.heapfleet.analysis.internal.dominator.ClassRetained;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Retained-size deltas per class between two deep analyses of the same task (the {@code diff}
 * enrichment when both dumps were analysed deeply). Only classes in either result's {@link
 * DeepResult#classes()} list are compared, so analyse with a generous {@code topClasses}.
 * Stateless; thread-safe.
 */
public final class RetainedDiff {
  /** One class: retained bytes before and after, and the change. */
  public record Delta(String className, long retainedBefore, long retainedAfter) {
    public long deltaBytes() {
      return retainedAfter - retainedBefore;
    }
  }

  private RetainedDiff() {}

  /** Per class, biggest retained growth first. */
  public static List<Delta> between(DeepResult before, DeepResult after) {
    Map<String, long[]> byName = new LinkedHashMap<>();
    for (ClassRetained c : before.classes()) {
      byName.computeIfAbsent(c.className(), k -> new long[2])[0] += c.retainedBytes();
    }
    for (ClassRetained c : after.classes()) {
      byName.computeIfAbsent(c.className(), k -> new long[2])[1] += c.retainedBytes();
    }
    List<Delta> deltas = new ArrayList<>();
    byName.forEach((name, v) -> deltas.add(new Delta(name, v[0], v[1])));
    deltas.sort(
        Comparator.comparingLong(Delta::deltaBytes).reversed().thenComparing(Delta::className));
    return deltas;
  }
}
