package io.heapfleet.analysis.retainer;

import java.util.List;

/**
 * Who retains the instances of one suspect class, biggest owner first.
 *
 * @param className the suspect
 * @param instances reachable instances
 * @param retainedBytes bytes retained by all of them (nested ones counted once)
 * @param owners owners, biggest {@code suspectRetainedBytes} first
 */
public record SuspectReport(
    String className, long instances, long retainedBytes, List<OwnerReport> owners) {
  public SuspectReport {
    owners = List.copyOf(owners);
  }

  /** The first owner in the shape of the trend's suspects; null when nothing reaches one. */
  public SuspectOwner toSuspectOwner() {
    if (owners.isEmpty()) {
      return new SuspectOwner(className, null, 0, List.of());
    }
    OwnerReport top = owners.get(0);
    return new SuspectOwner(className, top.owner(), top.ownerRetainedBytes(), top.path());
  }
}
