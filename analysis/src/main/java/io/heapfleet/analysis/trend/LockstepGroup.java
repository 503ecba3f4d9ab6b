package io.heapfleet.analysis.trend;

import java.util.List;

/**
 * Classes whose instance counts grow in lockstep: the same number of new instances between every
 * two dumps, as when each leaked application object brings its own map node, key and payload array.
 * One growth, seen through several classes; named by its application class. Immutable.
 *
 * @param name the application class the group is named by (the one growing fastest in bytes)
 * @param applicationClasses the group's application classes, fastest growing first ({@code name}
 *     first)
 * @param platformClasses the JDK classes and arrays moving with it, in the trend's order
 * @param instancesPerDump the application class's new instances per dump (the fitted slope)
 */
public record LockstepGroup(
    String name,
    List<String> applicationClasses,
    List<String> platformClasses,
    double instancesPerDump) {
  public LockstepGroup {
    applicationClasses = List.copyOf(applicationClasses);
    platformClasses = List.copyOf(platformClasses);
  }

  /** Every class of the group: the application classes, then the platform ones. */
  public List<String> classes() {
    return java.util.stream.Stream.concat(applicationClasses.stream(), platformClasses.stream())
        .toList();
  }
}
