package io.heapfleet.analysis.v8;

import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.histogram.ClassStats;
import io.heapfleet.analysis.histogram.HeapRuntime;
import io.heapfleet.analysis.histogram.SizeModel;
import io.heapfleet.analysis.internal.util.LongIntMap;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts a V8 heap snapshot's nodes per DevTools Summary group ({@link V8ClassNames}) while it
 * streams, keeping nothing per node: a group per constructor name index (objects) or per type
 * (everything else). Constructor names are resolved when the strings arrive at the end. Memory is
 * bounded by the number of groups. Shallow size = the node's {@code self_size}. Not thread-safe.
 */
final class V8HistogramBuilder implements SnapshotVisitor {
  private static final int NONE = -1;

  private SnapshotMeta meta;
  private int typeField;
  private int nameField;
  private int sizeField;
  private boolean[] byName; // per node type
  private int[] typeSlot; // per node type, slot or NONE
  private final LongIntMap nameSlot = new LongIntMap(1024, NONE);
  private int[] slotName = new int[256]; // name index, or -1 - type for a type group
  private long[] slotCount = new long[256];
  private long[] slotBytes = new long[256];
  private int slots;
  private final Map<Integer, String> names = new java.util.HashMap<>();
  private long instances;
  private long bytes;

  @Override
  public void meta(SnapshotMeta meta) {
    this.meta = meta;
    typeField = meta.nodeField("type");
    nameField = meta.nodeField("name");
    sizeField = meta.nodeField("self_size");
    int types = meta.nodeTypes().size();
    byName = new boolean[types];
    typeSlot = new int[types];
    Arrays.fill(typeSlot, NONE);
    for (int t = 0; t < types; t++) {
      byName[t] = V8ClassNames.namedByConstructor(meta.nodeTypes().get(t));
    }
  }

  @Override
  public void node(int ordinal, int[] fields) {
    int type = fields[typeField];
    long size = fields[sizeField] & 0xFFFF_FFFFL;
    int slot;
    if (byName[type]) {
      int name = fields[nameField];
      slot = nameSlot.get(name);
      if (slot == NONE) {
        slot = newSlot(name);
        nameSlot.put(name, slot);
      }
    } else {
      slot = typeSlot[type];
      if (slot == NONE) {
        slot = newSlot(-1 - type);
        typeSlot[type] = slot;
      }
    }
    slotCount[slot]++;
    slotBytes[slot] += size;
    instances++;
    bytes += size;
  }

  private int newSlot(int name) {
    if (slots == slotName.length) {
      slotName = Arrays.copyOf(slotName, slots * 2);
      slotCount = Arrays.copyOf(slotCount, slots * 2);
      slotBytes = Arrays.copyOf(slotBytes, slots * 2);
    }
    slotName[slots] = name;
    return slots++;
  }

  @Override
  public boolean wantsString(int index) {
    return nameSlot.get(index) != NONE;
  }

  @Override
  public void string(int index, String value) {
    names.put(index, value);
  }

  /** The histogram, once the reader is done. */
  ClassHistogram build(Instant timestamp) {
    Map<String, long[]> groups = new LinkedHashMap<>();
    for (int s = 0; s < slots; s++) {
      int n = slotName[s];
      String name =
          n >= 0
              ? V8ClassNames.of("object", names.getOrDefault(n, ""))
              : V8ClassNames.typeGroup(meta.nodeTypes().get(-1 - n));
      long[] g = groups.computeIfAbsent(name, k -> new long[2]);
      g[0] += slotCount[s];
      g[1] += slotBytes[s];
    }
    List<ClassStats> entries = new ArrayList<>(groups.size());
    groups.forEach((name, g) -> entries.add(new ClassStats(name, g[0], g[1])));
    return new ClassHistogram(
        timestamp,
        0,
        instances,
        bytes,
        entries.size(),
        entries,
        List.of(),
        SizeModel.V8,
        HeapRuntime.NODE);
  }
}
