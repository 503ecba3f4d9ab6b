package io.heapfleet.analysis.json;

import io.heapfleet.analysis.diff.ClassDelta;
import io.heapfleet.analysis.diff.DiffResult;
import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.histogram.ClassStats;
import io.heapfleet.analysis.retainer.DeepResult;
import io.heapfleet.analysis.retainer.GrowingOwner;
import io.heapfleet.analysis.retainer.OwnerRanking;
import io.heapfleet.analysis.retainer.RetainedDiff;
import io.heapfleet.analysis.retainer.SuspectOwner;
import io.heapfleet.analysis.trend.LockstepGroup;
import io.heapfleet.analysis.trend.Snapshot;
import io.heapfleet.analysis.trend.Suspect;
import io.heapfleet.analysis.trend.TrendResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The JSON forms of the analysis results, exactly as the {@code heapfleet histo/diff/trend --format
 * json} contract names the fields, written with {@link JsonWriter}, and their typed reader: {@link
 * #readHistogram}, {@link #readDiff}, {@link #readTrend} and {@link #readDeep} give back values
 * that write the same bytes. The histogram form is also the summary stored beside each dump.
 * Stateless and thread-safe.
 */
public final class AnalysisJson {
  /** Histogram summaries larger than this are refused (a summary is a few hundred KB at most). */
  private static final int MAX_SUMMARY_BYTES = 64 * 1024 * 1024;

  private AnalysisJson() {}

  /** Writes the histogram JSON: {@code {"dump":{...},"classes":[...]}}. */
  public static void writeHistogram(ClassHistogram h, Writer out) throws IOException {
    JsonWriter w = JsonWriter.indented(out);
    w.beginObject();
    w.name("dump").beginObject();
    w.field("timestamp", h.timestamp().toString());
    w.field("idSize", h.idSize());
    w.field("instances", h.instances());
    w.field("shallowBytes", h.shallowBytes());
    w.field("classes", h.classes());
    w.field("sizeModel", h.sizeModel().label());
    w.field("runtime", h.runtime().json());
    w.name("duplicateClasses").beginArray();
    for (String d : h.duplicateClasses()) {
      w.string(d);
    }
    w.endArray();
    w.endObject();
    w.name("classes").beginArray();
    for (ClassStats e : h.entries()) {
      w.beginObject();
      w.field("class", e.className());
      w.field("instances", e.instances());
      w.field("shallowBytes", e.shallowBytes());
      w.endObject();
    }
    w.endArray();
    w.endObject();
    w.finishLine();
  }

  public static void writeHistogram(ClassHistogram h, OutputStream out) throws IOException {
    writeHistogram(h, new OutputStreamWriter(out, StandardCharsets.UTF_8));
  }

  public static String histogramToString(ClassHistogram h) {
    java.io.StringWriter sw = new java.io.StringWriter();
    try {
      writeHistogram(h, sw);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return sw.toString();
  }

  /**
   * Writes the diff JSON: totals of both dumps and {@code classes} entries {@code {"class",
   * "baseInstances","currentInstances","instancesDelta","baseBytes","currentBytes","bytesDelta"}},
   * biggest byte growth first, plus {@code appeared} / {@code disappeared} class names.
   */
  public static void writeDiff(DiffResult d, Writer out) throws IOException {
    writeDiff(d, List.of(), out);
  }

  /**
   * Writes the diff JSON with retained-size deltas from two deep analyses ({@link RetainedDiff}):
   * each {@code classes} entry whose class has a delta gains {@code "baseRetainedBytes",
   * "currentRetainedBytes","retainedBytesDelta"}, and a {@code "retained"} array lists every delta
   * ({@code "class"} and the same three fields), biggest retained growth first. Without deltas the
   * output is exactly {@link #writeDiff(DiffResult, Writer)}'s.
   */
  public static void writeDiff(DiffResult d, List<RetainedDiff.Delta> retained, Writer out)
      throws IOException {
    Map<String, RetainedDiff.Delta> byClass = new java.util.HashMap<>();
    for (RetainedDiff.Delta r : retained) {
      byClass.put(r.className(), r);
    }
    JsonWriter w = JsonWriter.indented(out);
    w.beginObject();
    w.name("base").beginObject();
    w.field("timestamp", d.baseTimestamp().toString());
    w.field("instances", d.baseInstances());
    w.field("shallowBytes", d.baseBytes());
    w.endObject();
    w.name("current").beginObject();
    w.field("timestamp", d.currentTimestamp().toString());
    w.field("instances", d.currentInstances());
    w.field("shallowBytes", d.currentBytes());
    w.endObject();
    w.field("elapsedSeconds", d.elapsed().toMillis() / 1000.0);
    w.field("instancesDelta", d.instancesDelta());
    w.field("bytesDelta", d.bytesDelta());
    w.name("classes").beginArray();
    for (ClassDelta c : d.classes()) {
      w.beginObject();
      w.field("class", c.className());
      w.field("baseInstances", c.baseInstances());
      w.field("currentInstances", c.currentInstances());
      w.field("instancesDelta", c.instancesDelta());
      w.field("baseBytes", c.baseBytes());
      w.field("currentBytes", c.currentBytes());
      w.field("bytesDelta", c.bytesDelta());
      RetainedDiff.Delta r = byClass.get(c.className());
      if (r != null) {
        retainedFields(w, r);
      }
      w.endObject();
    }
    w.endArray();
    if (!retained.isEmpty()) {
      w.name("retained").beginArray();
      for (RetainedDiff.Delta r : retained) {
        w.beginObject();
        w.field("class", r.className());
        retainedFields(w, r);
        w.endObject();
      }
      w.endArray();
    }
    w.strings("appeared", d.appeared());
    w.strings("disappeared", d.disappeared());
    w.endObject();
    w.finishLine();
  }

  /**
   * Writes the trend JSON: {@code
   * {"assessment":"leaking"|"stable"|"inconclusive","reason","heapBytesPerHour",
   * "recentHeapBytesPerHour","flatSince"?,"warmUpBytes"?,"heapSteadiness",
   * "snapshots":[{"timestamp","shallowBytes","instances"}],"suspects":[{"class","bytesPerHour",
   * "instancesPerHour","steadiness",...}]}}, suspects best first.
   */
  public static void writeTrend(TrendResult t, Writer out) throws IOException {
    writeTrend(t, Map.of(), out);
  }

  /**
   * Writes the trend JSON with the deep analysis' owners: a suspect whose class is a key of {@code
   * owners} gains {@code "owner"} (class), {@code "retainedBytes"} and {@code "path"} (the retainer
   * path's steps, GC root first); other suspects have no such fields. When at least one suspect has
   * an owner, an {@code "owners"} array (after {@code "heapSteadiness"}) gives the owner-first view
   * ({@link OwnerRanking}), best first: {@code {"owner","holder","headline","bytesPerHour",
   * "retainedBytes","steady","classes":[...],"path":[...]}}.
   */
  public static void writeTrend(TrendResult t, Map<String, SuspectOwner> owners, Writer out)
      throws IOException {
    JsonWriter w = JsonWriter.indented(out);
    w.beginObject();
    w.field("assessment", t.assessment().json());
    w.field("reason", t.reason());
    w.field("heapBytesPerHour", t.heapBytesPerHour());
    w.field("recentHeapBytesPerHour", t.recentHeapBytesPerHour());
    if (t.flatSince().isPresent()) {
      w.field("flatSince", t.flatSince().get().toString());
      w.field("warmUpBytes", t.warmUpBytes());
    }
    w.field("heapSteadiness", t.heapSteadiness());
    List<GrowingOwner> ranked = OwnerRanking.rank(t, owners);
    if (!ranked.isEmpty()) {
      w.name("owners").beginArray();
      for (GrowingOwner g : ranked) {
        w.beginObject();
        w.field("owner", g.owner());
        w.field("holder", g.holder());
        w.field("headline", g.headline());
        w.field("bytesPerHour", g.bytesPerHour());
        w.field("retainedBytes", g.retainedBytes());
        w.field("steady", g.steady());
        w.strings("classes", g.classes());
        w.strings("path", g.path());
        w.endObject();
      }
      w.endArray();
    }
    w.name("snapshots").beginArray();
    for (Snapshot s : t.snapshots()) {
      w.beginObject();
      w.field("timestamp", s.timestamp().toString());
      w.field("shallowBytes", s.shallowBytes());
      w.field("instances", s.instances());
      w.endObject();
    }
    w.endArray();
    w.name("suspects").beginArray();
    for (Suspect s : t.suspects()) {
      w.beginObject();
      w.field("class", s.className());
      w.field("bytesPerHour", s.bytesPerHour());
      w.field("instancesPerHour", s.instancesPerHour());
      w.field("steadiness", s.steadiness());
      w.field("steady", s.steady());
      w.field("growingSteps", s.growingSteps());
      w.field("steps", s.steps());
      w.field("r2", s.r2());
      w.field("bytesPerStep", s.bytesPerStep());
      w.field("instancesPerStep", s.instancesPerStep());
      w.field("currentBytes", s.currentBytes());
      w.field("currentInstances", s.currentInstances());
      SuspectOwner o = owners.get(s.className());
      if (o != null && o.owner() != null) {
        w.field("owner", o.owner());
        w.field("retainedBytes", o.retainedBytes());
        w.strings("path", o.path());
      }
      var group = t.lockstepGroupOf(s.className());
      if (group.isPresent()) {
        w.field("lockstep", group.get().name());
      }
      w.endObject();
    }
    w.endArray();
    if (!t.lockstep().isEmpty()) {
      w.name("lockstep").beginArray();
      for (LockstepGroup g : t.lockstep()) {
        w.beginObject();
        w.field("name", g.name());
        w.field("instancesPerDump", g.instancesPerDump());
        w.strings("applicationClasses", g.applicationClasses());
        w.strings("platformClasses", g.platformClasses());
        w.endObject();
      }
      w.endArray();
    }
    w.endObject();
    w.finishLine();
  }

  private static void retainedFields(JsonWriter w, RetainedDiff.Delta r) {
    w.field("baseRetainedBytes", r.retainedBefore());
    w.field("currentRetainedBytes", r.retainedAfter());
    w.field("retainedBytesDelta", r.deltaBytes());
  }

  public static String diffToString(DiffResult d) {
    java.io.StringWriter sw = new java.io.StringWriter();
    try {
      writeDiff(d, sw);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return sw.toString();
  }

  public static String trendToString(TrendResult t) {
    return trendToString(t, Map.of());
  }

  /** {@link #writeTrend(TrendResult, Map, Writer)} as a string. */
  public static String trendToString(TrendResult t, Map<String, SuspectOwner> owners) {
    java.io.StringWriter sw = new java.io.StringWriter();
    try {
      writeTrend(t, owners, sw);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return sw.toString();
  }

  /**
   * The owners in a stored deep analysis ({@code deep.json} as {@code DeepJson} writes it): suspect
   * class → {@code owner}, {@code retainedBytes}, {@code path}, in the file's suspect order.
   * Suspects whose owner is {@code null} are left out. Lenient: reads only those fields.
   *
   * @throws AnalysisJsonException when the text is not such a document
   */
  public static Map<String, SuspectOwner> readSuspectOwners(String deepJson)
      throws AnalysisJsonException {
    return AnalysisJsonReader.suspectOwners(deepJson);
  }

  /** Reads a histogram written by {@link #writeHistogram}; the stream is read, not closed. */
  public static ClassHistogram readHistogram(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(MAX_SUMMARY_BYTES + 1);
    if (bytes.length > MAX_SUMMARY_BYTES) {
      throw new AnalysisJsonException("Histogram JSON is larger than " + MAX_SUMMARY_BYTES);
    }
    return readHistogram(new String(bytes, StandardCharsets.UTF_8));
  }

  /**
   * Reads a histogram written by {@link #writeHistogram}.
   *
   * @throws AnalysisJsonException when the text is not such a document; the message names the field
   */
  public static ClassHistogram readHistogram(String json) throws IOException {
    return AnalysisJsonReader.histogram(json);
  }

  /**
   * Reads a diff written by {@link #writeDiff(DiffResult, List, Writer)}: writing the result again
   * gives the same bytes.
   *
   * @throws AnalysisJsonException when the text is not such a document; the message names the field
   */
  public static DiffDocument readDiff(String json) throws AnalysisJsonException {
    return AnalysisJsonReader.diff(json);
  }

  /**
   * Reads a trend written by {@link #writeTrend(TrendResult, Map, Writer)}, with the owners its
   * suspects name: writing the result again gives the same bytes, except that an entry of the
   * {@code owners} ranking may differ in the last decimal of its {@code bytesPerHour} (a sum of its
   * suspects' rates, recomputed from their 4-decimal values).
   *
   * @throws AnalysisJsonException when the text is not such a document; the message names the field
   */
  public static TrendDocument readTrend(String json) throws AnalysisJsonException {
    return AnalysisJsonReader.trend(json);
  }

  /**
   * Reads a deep analysis written by {@code DeepJson.toJson}: writing the result again gives the
   * same bytes.
   *
   * @throws AnalysisJsonException when the text is not such a document; the message names the field
   */
  public static DeepResult readDeep(String json) throws AnalysisJsonException {
    return AnalysisJsonReader.deep(json);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(Object o, String what) {
    if (o instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw new IllegalArgumentException(what + " must be a JSON object");
  }

  static List<?> list(Object o, String what) {
    if (o instanceof List<?> l) {
      return l;
    }
    throw new IllegalArgumentException(what + " must be a JSON array");
  }

  static String text(Object o, String what) {
    if (o instanceof String s) {
      return s;
    }
    throw new IllegalArgumentException("\"" + what + "\" must be a string");
  }

  static long number(Object o, String what) {
    if (o instanceof Long l) {
      return l;
    }
    if (o instanceof Double d && d == Math.rint(d)) {
      return d.longValue();
    }
    throw new IllegalArgumentException("\"" + what + "\" must be an integer");
  }

  static double decimal(Object o, String what) {
    if (o instanceof Number n) {
      return n.doubleValue();
    }
    throw new IllegalArgumentException("\"" + what + "\" must be a number");
  }
}
