package io.heapfleet.analysis.internal.graph;

import io.heapfleet.analysis.hprof.BasicType;
import java.util.List;

/**
 * What a dump says about its classes beyond the {@link ClassTable}: the instance field layout (own
 * fields, names and types, in dump order) and the static fields with their values, per class index.
 * Used to put field names on the few edges of a rendered retainer path and to read a few objects'
 * values (a thread's name). Small: one entry per class.
 *
 * <p>Immutable; thread-safe.
 */
public final class DumpSchema {
  /** A field: its name and HPROF type; for statics also the value (object id or raw bits). */
  public record Field(String name, BasicType type, long value) {}

  private final ClassTable classes;
  private final List<List<Field>> ownFields;
  private final List<List<Field>> staticFields;

  DumpSchema(ClassTable classes, List<List<Field>> ownFields, List<List<Field>> staticFields) {
    this.classes = classes;
    this.ownFields = ownFields;
    this.staticFields = staticFields;
  }

  public ClassTable classes() {
    return classes;
  }

  /** The class's own instance fields in dump order (superclass fields come after, in its entry). */
  public List<Field> ownFields(int classIndex) {
    return ownFields.get(classIndex);
  }

  /** The class's static fields with their values. */
  public List<Field> staticFields(int classIndex) {
    return staticFields.get(classIndex);
  }
}
