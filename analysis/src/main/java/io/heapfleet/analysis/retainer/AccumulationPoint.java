package io.heapfleet.analysis.retainer;

import io.heapfleet.analysis.histogram.ClassKind;
import io.heapfleet.analysis.report.Format;
import java.util.List;
import java.util.Optional;

/**
 * Where growing objects pile up, read off a retainer path as Eclipse MAT's leak suspects name it:
 * the collection (map, list, array, registry) the path first enters from application code, and the
 * static or field that holds it. A person fixes that holder, so it is the headline: {@code static
 * com.acme.orders.OrderEvents.BUS → listeners (java.util.ArrayList, +2,000 entries/dump)}.
 * Immutable.
 *
 * @param holder the application step before the collection: {@code static C.F}, or for a field of
 *     an object itself held by a static, {@code static C.F → field}
 * @param collection the collection's class ({@code java.util.HashMap}, {@code java.lang.Object[]})
 * @param entriesPerDump new entries per dump (the fastest-growing application class's instances)
 */
public record AccumulationPoint(String holder, String collection, double entriesPerDump) {

  /** {@code static C.F → listeners (java.util.ArrayList, +2,000 entries/dump)}. */
  public String describe() {
    return holder
        + " ("
        + collection
        + (entriesPerDump > 0 ? ", " + Format.signedCount(entriesPerDump) + " entries/dump" : "")
        + ")";
  }

  /**
   * The accumulation point on {@code path} (GC root first, {@link PathRenderer}'s steps): the first
   * step leaving a platform collection or array, preceded by an application step (a static field or
   * an application object's field) — empty when the path has none (a thread's locals, a JNI root).
   */
  static Optional<AccumulationPoint> of(List<String> path, double entriesPerDump) {
    for (int i = 0; i < path.size() - 1; i++) {
      String step = path.get(i);
      String cls = OwnerRanking.stepClass(step);
      if (cls == null || ClassKind.isApplicationClass(cls) || ClassKind.isHidden(cls)) {
        if (i == 0 && step.startsWith("static ") && isCollectionField(path, 1)) {
          // static C.F whose value is itself the collection: "static C.F (java.util.HashMap)"
          return Optional.of(
              new AccumulationPoint(step, OwnerRanking.stepClass(path.get(1)), entriesPerDump));
        }
        continue;
      }
      // cls is a platform class: the collection, if an application step holds it.
      if (i == 0) {
        return Optional.empty();
      }
      String before = path.get(i - 1);
      String beforeClass = OwnerRanking.stepClass(before);
      if (beforeClass == null || !ClassKind.isApplicationClass(beforeClass)) {
        return Optional.empty();
      }
      String holder;
      if (before.startsWith("static ")) {
        holder = before;
      } else {
        String field = before.substring(before.lastIndexOf('.') + 1);
        String outer = i >= 2 ? path.get(i - 2) : null;
        holder =
            outer != null && outer.startsWith("static ")
                ? outer + " → " + field
                : ClassKind.readable(beforeClass) + "." + field;
      }
      return Optional.of(new AccumulationPoint(holder, cls, entriesPerDump));
    }
    return Optional.empty();
  }

  /** Whether {@code path[at]} leaves a platform object (the static's value is a collection). */
  private static boolean isCollectionField(List<String> path, int at) {
    if (at >= path.size() - 1) {
      return false;
    }
    String cls = OwnerRanking.stepClass(path.get(at));
    return cls != null && !ClassKind.isApplicationClass(cls) && !ClassKind.isHidden(cls);
  }
}
