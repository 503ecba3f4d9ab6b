package io.heapfleet.analysis.hprof;

import java.util.List;

/**
 * A {@code CLASS_DUMP} heap sub-record: one loaded class with its superclass, class loader, static
 * field values and the layout of its own (not inherited) instance fields, in the order their values
 * appear in an {@code INSTANCE_DUMP} of this class (own fields first, then the superclass's, and so
 * on up the hierarchy). Immutable.
 *
 * @param classId the class object's id
 * @param stackTraceSerial serial of the stack trace where the class was loaded
 * @param superClassId the superclass's id, 0 for {@code java.lang.Object} and interfaces
 * @param classLoaderId the defining loader's object id, 0 for the boot loader
 * @param instanceSize the size of an instance's field values in the dump (ids count as idSize)
 * @param staticFields static fields with their values
 * @param instanceFields the class's own instance fields in dump order
 */
public record ClassDump(
    long classId,
    int stackTraceSerial,
    long superClassId,
    long classLoaderId,
    long signersId,
    long protectionDomainId,
    int instanceSize,
    List<StaticField> staticFields,
    List<FieldDescriptor> instanceFields) {

  public ClassDump {
    staticFields = List.copyOf(staticFields);
    instanceFields = List.copyOf(instanceFields);
  }

  /** An instance field's name (a STRING record id) and type. */
  public record FieldDescriptor(long nameId, BasicType type) {}

  /**
   * A static field with its value: for {@link BasicType#OBJECT} the object id, otherwise the
   * primitive's raw bits widened to a long (floats and doubles as their IEEE bits).
   */
  public record StaticField(long nameId, BasicType type, long value) {}
}
