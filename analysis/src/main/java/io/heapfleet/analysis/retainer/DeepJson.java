package io.heapfleet.analysis.retainer;

import io.heapfleet.analysis.dominator.ClassRetained;
import io.heapfleet.analysis.dominator.Dominator;
import java.util.List;

/**
 * Writes a {@link DeepResult} as JSON (two-space indented, no library: the analysis module stays a
 * leaf). The per-suspect objects carry the trend's contract fields {@code owner}, {@code
 * retainedBytes} and {@code path}. Stateless; thread-safe.
 *
 * <pre>{@code
 * {"dumpTimestamp": "...", "sizeModel": "compressed-oops", "objects": 28052, ...,
 *  "suspects": [{"className": "byte[]", "owner": "com.acme.cart.Cart",
 *                "retainedBytes": 8376000, "path": ["static com.acme.cart.CartStore.CARTS", ...],
 *                "instances": 8385, "suspectRetainedBytes": ..., "owners": [...]}]}
 * }</pre>
 */
public final class DeepJson {
  private DeepJson() {}

  public static String toJson(DeepResult r) {
    StringBuilder b = new StringBuilder(4096);
    b.append("{\n");
    field(b, 1, "dumpTimestamp", r.dumpTimestamp() == null ? null : r.dumpTimestamp().toString());
    field(b, 1, "sizeModel", r.sizeModel());
    field(b, 1, "objects", r.objects());
    field(b, 1, "references", r.references());
    field(b, 1, "reachableObjects", r.reachableObjects());
    field(b, 1, "reachableBytes", r.reachableBytes());
    field(b, 1, "graphBytes", r.graphBytes());
    indent(b, 1).append("\"timings\": {\"loadMillis\": ").append(r.timings().loadMillis());
    b.append(", \"dominatorMillis\": ").append(r.timings().dominatorMillis());
    b.append(", \"pathMillis\": ").append(r.timings().pathMillis()).append("},\n");
    indent(b, 1).append("\"classes\": [");
    List<ClassRetained> classes = r.classes();
    for (int i = 0; i < classes.size(); i++) {
      ClassRetained c = classes.get(i);
      b.append(i == 0 ? "\n" : ",\n");
      indent(b, 2).append("{\"className\": ").append(quote(c.className()));
      b.append(", \"instances\": ").append(c.instances());
      b.append(", \"shallowBytes\": ").append(c.shallowBytes());
      b.append(", \"retainedBytes\": ").append(c.retainedBytes()).append('}');
    }
    b.append(classes.isEmpty() ? "],\n" : "\n  ],\n");
    indent(b, 1).append("\"topDominators\": [");
    List<Dominator> top = r.topDominators();
    for (int i = 0; i < top.size(); i++) {
      Dominator d = top.get(i);
      b.append(i == 0 ? "\n" : ",\n");
      indent(b, 2).append("{\"objectId\": ").append(quote("0x" + Long.toHexString(d.objectId())));
      b.append(", \"className\": ").append(quote(d.className()));
      b.append(", \"shallowBytes\": ").append(d.shallowBytes());
      b.append(", \"retainedBytes\": ").append(d.retainedBytes()).append('}');
    }
    b.append(top.isEmpty() ? "],\n" : "\n  ],\n");
    indent(b, 1).append("\"suspects\": [");
    List<SuspectReport> suspects = r.suspects();
    for (int i = 0; i < suspects.size(); i++) {
      b.append(i == 0 ? "\n" : ",\n");
      suspect(b, suspects.get(i));
    }
    b.append(suspects.isEmpty() ? "]\n" : "\n  ]\n");
    return b.append("}\n").toString();
  }

  private static void suspect(StringBuilder b, SuspectReport s) {
    SuspectOwner o = s.toSuspectOwner();
    indent(b, 2).append("{\n");
    field(b, 3, "className", s.className());
    field(b, 3, "owner", o.owner());
    field(b, 3, "retainedBytes", o.retainedBytes());
    indent(b, 3).append("\"path\": ").append(strings(o.path())).append(",\n");
    field(b, 3, "instances", s.instances());
    field(b, 3, "suspectRetainedBytes", s.retainedBytes());
    indent(b, 3).append("\"owners\": [");
    for (int i = 0; i < s.owners().size(); i++) {
      OwnerReport w = s.owners().get(i);
      b.append(i == 0 ? "\n" : ",\n");
      indent(b, 4).append("{\"owner\": ").append(quote(w.owner()));
      b.append(", \"ownerIsClass\": ").append(w.ownerIsClass());
      b.append(", \"owners\": ").append(w.owners());
      b.append(", \"instances\": ").append(w.instances());
      b.append(", \"suspectRetainedBytes\": ").append(w.suspectRetainedBytes());
      b.append(", \"ownerRetainedBytes\": ").append(w.ownerRetainedBytes());
      b.append(", \"path\": ").append(strings(w.path())).append('}');
    }
    b.append(s.owners().isEmpty() ? "]\n" : "\n      ]\n");
    indent(b, 2).append('}');
  }

  private static void field(StringBuilder b, int depth, String name, String value) {
    indent(b, depth).append(quote(name)).append(": ").append(quote(value)).append(",\n");
  }

  private static void field(StringBuilder b, int depth, String name, long value) {
    indent(b, depth).append(quote(name)).append(": ").append(value).append(",\n");
  }

  private static StringBuilder indent(StringBuilder b, int depth) {
    return b.append("  ".repeat(depth));
  }

  private static String strings(List<String> values) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      b.append(i == 0 ? "" : ", ").append(quote(values.get(i)));
    }
    return b.append(']').toString();
  }

  /** A JSON string literal, or {@code null}. */
  static String quote(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
