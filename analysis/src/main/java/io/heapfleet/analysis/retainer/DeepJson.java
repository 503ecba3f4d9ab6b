package io.heapfleet.analysis.retainer;

import io.heapfleet.analysis.internal.dominator.ClassRetained;
import io.heapfleet.analysis.internal.dominator.Dominator;
import io.heapfleet.analysis.json.JsonWriter;
import java.io.StringWriter;

/**
 * Writes a {@link DeepResult} as JSON (two-space indented, small objects on one line) with the
 * analysis {@link JsonWriter}; {@code AnalysisJson.readDeep} reads it back. The per-suspect objects
 * carry the trend's contract fields {@code owner}, {@code retainedBytes} and {@code path}.
 * Stateless; thread-safe.
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
    StringWriter out = new StringWriter(4096);
    JsonWriter w = JsonWriter.indented(out);
    w.beginObject();
    w.field("dumpTimestamp", r.dumpTimestamp() == null ? null : r.dumpTimestamp().toString());
    w.field("sizeModel", r.sizeModel());
    w.field("objects", r.objects());
    w.field("references", r.references());
    w.field("reachableObjects", r.reachableObjects());
    w.field("reachableBytes", r.reachableBytes());
    w.field("graphBytes", r.graphBytes());
    w.name("timings").beginInlineObject();
    w.field("loadMillis", r.timings().loadMillis());
    w.field("dominatorMillis", r.timings().dominatorMillis());
    w.field("pathMillis", r.timings().pathMillis());
    w.endObject();
    w.name("classes").beginArray();
    for (ClassRetained c : r.classes()) {
      w.beginInlineObject();
      w.field("className", c.className());
      w.field("instances", c.instances());
      w.field("shallowBytes", c.shallowBytes());
      w.field("retainedBytes", c.retainedBytes());
      w.endObject();
    }
    w.endArray();
    w.name("topDominators").beginArray();
    for (Dominator d : r.topDominators()) {
      w.beginInlineObject();
      w.field("objectId", "0x" + Long.toHexString(d.objectId()));
      w.field("className", d.className());
      w.field("shallowBytes", d.shallowBytes());
      w.field("retainedBytes", d.retainedBytes());
      w.endObject();
    }
    w.endArray();
    w.name("suspects").beginArray();
    for (SuspectReport s : r.suspects()) {
      suspect(w, s);
    }
    w.endArray();
    w.endObject();
    w.finishLine();
    return out.toString();
  }

  private static void suspect(JsonWriter w, SuspectReport s) {
    SuspectOwner o = s.toSuspectOwner();
    w.beginObject();
    w.field("className", s.className());
    w.field("owner", o.owner());
    w.field("retainedBytes", o.retainedBytes());
    w.inlineStrings("path", o.path());
    w.field("instances", s.instances());
    w.field("suspectRetainedBytes", s.retainedBytes());
    w.name("owners").beginArray();
    for (OwnerReport owner : s.owners()) {
      w.beginInlineObject();
      w.field("owner", owner.owner());
      w.field("ownerIsClass", owner.ownerIsClass());
      w.field("owners", owner.owners());
      w.field("instances", owner.instances());
      w.field("suspectRetainedBytes", owner.suspectRetainedBytes());
      w.field("ownerRetainedBytes", owner.ownerRetainedBytes());
      w.inlineStrings("path", owner.path());
      w.endObject();
    }
    w.endArray();
    w.endObject();
  }
}
