package io.heapfleet.analysis.retainer;

import io.heapfleet.analysis.internal.dominator.ClassRetained;
import io.heapfleet.analysis.internal.dominator.Dominator;
import io.heapfleet.analysis.report.Format;
import java.util.Locale;

/**
 * Renders a {@link DeepResult} as text for people (the {@code heapfleet retainers} output and
 * report sections): retainer paths one step per line. Stateless; thread-safe.
 */
public final class DeepText {
  private DeepText() {}

  public static String render(DeepResult r, int classes, int dominators) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "%d objects, %d references (%d reachable, %s), %s; graph %s;"
                + " load %.1f s, dominators %.1f s, paths %.1f s%n",
            r.objects(),
            r.references(),
            r.reachableObjects(),
            Format.bytes(r.reachableBytes()),
            r.sizeModel(),
            Format.bytes(r.graphBytes()),
            r.timings().loadMillis() / 1000.0,
            r.timings().dominatorMillis() / 1000.0,
            r.timings().pathMillis() / 1000.0));
    for (SuspectReport s : r.suspects()) {
      b.append(
          String.format(
              Locale.ROOT,
              "%n%s: %d instances retain %s%n",
              s.className(),
              s.instances(),
              Format.bytes(s.retainedBytes())));
      if (s.owners().isEmpty()) {
        b.append("  no reachable instance\n");
      }
      for (OwnerReport o : s.owners()) {
        b.append(
            String.format(
                Locale.ROOT,
                "  held by %s%s: %d owner object(s) retain %s; %d of its instances, %s%n",
                o.ownerIsClass() ? "static state of " : "",
                o.owner() == null ? "(several GC roots)" : o.owner(),
                o.owners(),
                Format.bytes(o.ownerRetainedBytes()),
                o.instances(),
                Format.bytes(o.suspectRetainedBytes())));
        for (int i = 0; i < o.path().size(); i++) {
          b.append(i == 0 ? "      " : "    → ").append(o.path().get(i)).append('\n');
        }
      }
    }
    b.append(String.format(Locale.ROOT, "%nTop classes by retained size:%n"));
    b.append(
        String.format(
            Locale.ROOT, "  %12s %12s %10s  %s%n", "RETAINED", "SHALLOW", "INSTANCES", "CLASS"));
    for (ClassRetained c : r.classes().subList(0, Math.min(classes, r.classes().size()))) {
      b.append(
          String.format(
              Locale.ROOT,
              "  %12s %12s %10d  %s%n",
              Format.bytes(c.retainedBytes()),
              Format.bytes(c.shallowBytes()),
              c.instances(),
              c.className()));
    }
    b.append(String.format(Locale.ROOT, "%nTop dominators:%n"));
    for (Dominator d :
        r.topDominators().subList(0, Math.min(dominators, r.topDominators().size()))) {
      b.append(
          String.format(
              Locale.ROOT,
              "  %12s  %s @0x%x%n",
              Format.bytes(d.retainedBytes()),
              d.className(),
              d.objectId()));
    }
    return b.toString();
  }
}
