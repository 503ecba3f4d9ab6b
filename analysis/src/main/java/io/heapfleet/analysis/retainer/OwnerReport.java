package io.heapfleet.analysis.retainer;

import java.util.List;

/**
 * One owner of a suspect class's instances.
 *
 * @param owner owner class (see {@link SuspectOwner#owner()})
 * @param ownerIsClass true when the owner is a class's static state (the {@code Class} object)
 * @param owners distinct owner objects
 * @param instances suspect instances under them
 * @param suspectRetainedBytes bytes the suspect instances retain (nested ones counted once)
 * @param ownerRetainedBytes bytes the owner objects retain
 * @param path retainer path to the biggest suspect instance under this owner
 */
public record OwnerReport(
    String owner,
    boolean ownerIsClass,
    long owners,
    long instances,
    long suspectRetainedBytes,
    long ownerRetainedBytes,
    List<String> path) {
  public OwnerReport {
    path = List.copyOf(path);
  }
}
