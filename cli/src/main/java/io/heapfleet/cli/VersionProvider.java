package io.heapfleet.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the version recorded in the jar manifest (or "dev" when run from classes). */
public final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = HeapfleetCommand.class.getPackage().getImplementationVersion();
    return new String[] {
      "heapfleet " + (version == null ? "dev" : version),
      "JVM: ${java.version} (${java.vendor} ${java.vm.name})"
    };
  }
}
