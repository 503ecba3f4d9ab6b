package io.heapfleet.analysis.json;

import static io.heapfleet.analysis.json.AnalysisJson.decimal;
import static io.heapfleet.analysis.json.AnalysisJson.list;
import static io.heapfleet.analysis.json.AnalysisJson.number;
import static io.heapfleet.analysis.json.AnalysisJson.object;
import static io.heapfleet.analysis.json.AnalysisJson.text;

import io.heapfleet.analysis.diff.ClassDelta;
import io.heapfleet.analysis.diff.DiffResult;
import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.histogram.ClassStats;
import io.heapfleet.analysis.histogram.HeapRuntime;
import io.heapfleet.analysis.histogram.SizeModel;
import io.heapfleet.analysis.internal.dominator.ClassRetained;
import io.heapfleet.analysis.internal.dominator.Dominator;
import io.heapfleet.analysis.retainer.DeepResult;
import io.heapfleet.analysis.retainer.OwnerReport;
import io.heapfleet.analysis.retainer.RetainedDiff;
import io.heapfleet.analysis.retainer.SuspectOwner;
import io.heapfleet.analysis.retainer.SuspectReport;
import io.heapfleet.analysis.trend.Assessment;
import io.heapfleet.analysis.trend.LockstepGroup;
import io.heapfleet.analysis.trend.Snapshot;
import io.heapfleet.analysis.trend.Suspect;
import io.heapfleet.analysis.trend.TrendResult;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads the analysis JSON documents back into the result types they were written from: what {@link
 * AnalysisJson} and {@code DeepJson} write reads back into a value that writes the same bytes (up
 * to the last decimal of a trend owner's summed rate, see {@link AnalysisJson#readTrend}). Fields
 * the writers derive (totals' deltas, {@code recentHeapBytesPerHour}, {@code flatSince}, the {@code
 * owners} ranking, a deep suspect's top owner) are recomputed, not read; unknown fields are
 * ignored, so that a newer writer's additions do not break an older reader. Wrong types and missing
 * fields fail with an {@link AnalysisJsonException} that names the field. Stateless and
 * thread-safe; use it through {@link AnalysisJson}.
 */
final class AnalysisJsonReader {
  private AnalysisJsonReader() {}

  static ClassHistogram histogram(String json) throws AnalysisJsonException {
    return read(
        "histogram",
        json,
        root -> {
          Map<String, Object> dump = object(root.get("dump"), "\"dump\"");
          List<ClassStats> entries =
              each(
                  root.get("classes"),
                  "classes",
                  e ->
                      new ClassStats(
                          text(e.get("class"), "class"),
                          number(e.get("instances"), "instances"),
                          number(e.get("shallowBytes"), "shallowBytes")));
          Object model = dump.get("sizeModel");
          Object runtime = dump.get("runtime");
          return new ClassHistogram(
              instant(dump.get("timestamp"), "dump.timestamp"),
              (int) number(dump.get("idSize"), "dump.idSize"),
              number(dump.get("instances"), "dump.instances"),
              number(dump.get("shallowBytes"), "dump.shallowBytes"),
              (int) number(dump.get("classes"), "dump.classes"),
              entries,
              optionalStrings(dump.get("duplicateClasses"), "duplicateClasses"),
              model == null
                  ? SizeModel.COMPRESSED_OOPS
                  : SizeModel.ofLabel(text(model, "sizeModel")),
              runtime == null ? HeapRuntime.JVM : HeapRuntime.ofJson(text(runtime, "runtime")));
        });
  }

  static DiffDocument diff(String json) throws AnalysisJsonException {
    return read(
        "diff",
        json,
        root -> {
          Map<String, Object> base = object(root.get("base"), "\"base\"");
          Map<String, Object> current = object(root.get("current"), "\"current\"");
          List<ClassDelta> classes =
              each(
                  root.get("classes"),
                  "classes",
                  c ->
                      new ClassDelta(
                          text(c.get("class"), "class"),
                          number(c.get("baseInstances"), "baseInstances"),
                          number(c.get("currentInstances"), "currentInstances"),
                          number(c.get("baseBytes"), "baseBytes"),
                          number(c.get("currentBytes"), "currentBytes")));
          List<RetainedDiff.Delta> retained =
              optionalEach(
                  root.get("retained"),
                  "retained",
                  r ->
                      new RetainedDiff.Delta(
                          text(r.get("class"), "class"),
                          number(r.get("baseRetainedBytes"), "baseRetainedBytes"),
                          number(r.get("currentRetainedBytes"), "currentRetainedBytes")));
          DiffResult diff =
              new DiffResult(
                  instant(base.get("timestamp"), "base.timestamp"),
                  instant(current.get("timestamp"), "current.timestamp"),
                  number(base.get("instances"), "base.instances"),
                  number(current.get("instances"), "current.instances"),
                  number(base.get("shallowBytes"), "base.shallowBytes"),
                  number(current.get("shallowBytes"), "current.shallowBytes"),
                  classes,
                  strings(root.get("appeared"), "appeared"),
                  strings(root.get("disappeared"), "disappeared"));
          return new DiffDocument(diff, retained);
        });
  }

  static TrendDocument trend(String json) throws AnalysisJsonException {
    return read(
        "trend",
        json,
        root -> {
          String assessmentText = text(root.get("assessment"), "assessment");
          Assessment assessment =
              Assessment.fromJson(assessmentText)
                  .orElseThrow(
                      () ->
                          new IllegalArgumentException(
                              "\"assessment\" must be leaking, stable or inconclusive, not '"
                                  + assessmentText
                                  + "'"));
          Map<String, SuspectOwner> owners = new LinkedHashMap<>();
          List<Suspect> suspects =
              each(
                  root.get("suspects"),
                  "suspects",
                  s -> {
                    String name = text(s.get("class"), "class");
                    if (s.get("owner") != null) {
                      owners.put(
                          name,
                          new SuspectOwner(
                              name,
                              text(s.get("owner"), "owner"),
                              number(s.get("retainedBytes"), "retainedBytes"),
                              strings(s.get("path"), "path")));
                    }
                    return new Suspect(
                        name,
                        real(s.get("bytesPerHour"), "bytesPerHour"),
                        real(s.get("instancesPerHour"), "instancesPerHour"),
                        real(s.get("steadiness"), "steadiness"),
                        (int) number(s.get("growingSteps"), "growingSteps"),
                        (int) number(s.get("steps"), "steps"),
                        real(s.get("r2"), "r2"),
                        real(s.get("bytesPerStep"), "bytesPerStep"),
                        real(s.get("instancesPerStep"), "instancesPerStep"),
                        bool(s.get("steady"), "steady"),
                        number(s.get("currentBytes"), "currentBytes"),
                        number(s.get("currentInstances"), "currentInstances"));
                  });
          List<Snapshot> snapshots =
              each(
                  root.get("snapshots"),
                  "snapshots",
                  s ->
                      new Snapshot(
                          instant(s.get("timestamp"), "timestamp"),
                          number(s.get("shallowBytes"), "shallowBytes"),
                          number(s.get("instances"), "instances")));
          List<LockstepGroup> lockstep =
              optionalEach(
                  root.get("lockstep"),
                  "lockstep",
                  g ->
                      new LockstepGroup(
                          text(g.get("name"), "name"),
                          strings(g.get("applicationClasses"), "applicationClasses"),
                          strings(g.get("platformClasses"), "platformClasses"),
                          real(g.get("instancesPerDump"), "instancesPerDump")));
          TrendResult trend =
              new TrendResult(
                  assessment,
                  text(root.get("reason"), "reason"),
                  real(root.get("heapBytesPerHour"), "heapBytesPerHour"),
                  real(root.get("heapSteadiness"), "heapSteadiness"),
                  snapshots,
                  suspects,
                  lockstep);
          return new TrendDocument(trend, owners);
        });
  }

  static DeepResult deep(String json) throws AnalysisJsonException {
    return read(
        "deep analysis",
        json,
        root -> {
          Map<String, Object> timings = object(root.get("timings"), "\"timings\"");
          List<ClassRetained> classes =
              each(
                  root.get("classes"),
                  "classes",
                  c ->
                      new ClassRetained(
                          text(c.get("className"), "className"),
                          number(c.get("instances"), "instances"),
                          number(c.get("shallowBytes"), "shallowBytes"),
                          number(c.get("retainedBytes"), "retainedBytes")));
          List<Dominator> dominators =
              each(
                  root.get("topDominators"),
                  "topDominators",
                  d ->
                      new Dominator(
                          objectId(d.get("objectId")),
                          text(d.get("className"), "className"),
                          number(d.get("shallowBytes"), "shallowBytes"),
                          number(d.get("retainedBytes"), "retainedBytes")));
          List<SuspectReport> suspects =
              each(
                  root.get("suspects"),
                  "suspects",
                  s ->
                      new SuspectReport(
                          text(s.get("className"), "className"),
                          number(s.get("instances"), "instances"),
                          number(s.get("suspectRetainedBytes"), "suspectRetainedBytes"),
                          each(
                              s.get("owners"),
                              "owners",
                              o ->
                                  new OwnerReport(
                                      nullableText(o.get("owner"), "owner"),
                                      bool(o.get("ownerIsClass"), "ownerIsClass"),
                                      number(o.get("owners"), "owners"),
                                      number(o.get("instances"), "instances"),
                                      number(o.get("suspectRetainedBytes"), "suspectRetainedBytes"),
                                      number(o.get("ownerRetainedBytes"), "ownerRetainedBytes"),
                                      strings(o.get("path"), "path")))));
          Object timestamp = root.get("dumpTimestamp");
          return new DeepResult(
              timestamp == null ? null : instant(timestamp, "dumpTimestamp"),
              nullableText(root.get("sizeModel"), "sizeModel"),
              number(root.get("objects"), "objects"),
              number(root.get("references"), "references"),
              number(root.get("reachableObjects"), "reachableObjects"),
              number(root.get("reachableBytes"), "reachableBytes"),
              number(root.get("graphBytes"), "graphBytes"),
              new DeepResult.Timings(
                  number(timings.get("loadMillis"), "loadMillis"),
                  number(timings.get("dominatorMillis"), "dominatorMillis"),
                  number(timings.get("pathMillis"), "pathMillis")),
              classes,
              dominators,
              suspects);
        });
  }

  /**
   * Only the suspects' owners of a deep analysis document (class → {@code owner}, {@code
   * retainedBytes}, {@code path}), leniently: what the collector needs to restore, from documents
   * of any version. Suspects without an owner are left out.
   */
  static Map<String, SuspectOwner> suspectOwners(String deepJson) throws AnalysisJsonException {
    return read(
        "deep analysis",
        deepJson,
        root -> {
          Map<String, SuspectOwner> out = new LinkedHashMap<>();
          if (root.get("suspects") == null) {
            return out;
          }
          for (Object o : list(root.get("suspects"), "\"suspects\"")) {
            Map<String, Object> s = object(o, "a \"suspects\" entry");
            Object owner = s.get("owner");
            if (owner == null) {
              continue;
            }
            String name = text(s.get("className"), "className");
            Object retained = s.get("retainedBytes");
            out.put(
                name,
                new SuspectOwner(
                    name,
                    text(owner, "owner"),
                    retained == null ? 0 : number(retained, "retainedBytes"),
                    optionalStrings(s.get("path"), "path")));
          }
          return out;
        });
  }

  private interface Mapping<T> {
    T apply(Map<String, Object> root);
  }

  private static <T> T read(String what, String json, Mapping<T> mapping)
      throws AnalysisJsonException {
    try {
      return mapping.apply(object(JsonParser.parse(json), "the document"));
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new AnalysisJsonException("Invalid " + what + " JSON: " + e.getMessage(), e);
    }
  }

  /** Each entry of the array {@code field}, an object, mapped. */
  private static <T> List<T> each(
      Object array, String field, Function<Map<String, Object>, T> mapping) {
    List<T> out = new ArrayList<>();
    for (Object o : list(array, "\"" + field + "\"")) {
      out.add(mapping.apply(object(o, "a \"" + field + "\" entry")));
    }
    return out;
  }

  /** {@link #each}, or no entries where the (optional) array is absent. */
  private static <T> List<T> optionalEach(
      Object array, String field, Function<Map<String, Object>, T> mapping) {
    return array == null ? List.of() : each(array, field, mapping);
  }

  /** {@link #strings}, or none where the (optional) array is absent. */
  private static List<String> optionalStrings(Object array, String field) {
    return array == null ? List.of() : strings(array, field);
  }

  private static List<String> strings(Object array, String field) {
    List<String> out = new ArrayList<>();
    for (Object o : list(array, "\"" + field + "\"")) {
      out.add(text(o, field + " entry"));
    }
    return out;
  }

  private static String nullableText(Object o, String what) {
    return o == null ? null : text(o, what);
  }

  /** A number, or NaN for {@code null} (how the writers carry NaN and the infinities). */
  private static double real(Object o, String what) {
    return o == null ? Double.NaN : decimal(o, what);
  }

  private static boolean bool(Object o, String what) {
    if (o instanceof Boolean b) {
      return b;
    }
    throw new IllegalArgumentException("\"" + what + "\" must be true or false");
  }

  private static Instant instant(Object o, String what) {
    return Instant.parse(text(o, what));
  }

  private static long objectId(Object o) {
    String id = text(o, "objectId");
    if (!id.startsWith("0x")) {
      throw new IllegalArgumentException(
          "\"objectId\" must be 0x and hex digits, not '" + id + "'");
    }
    try {
      return Long.parseUnsignedLong(id.substring(2), 16);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "\"objectId\" must be 0x and hex digits, not '" + id + "'");
    }
  }
}
