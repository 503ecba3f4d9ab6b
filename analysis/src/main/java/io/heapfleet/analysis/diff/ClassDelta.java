package io.heapfleet.analysis.diff;

/**
 * One class in a diff: instances and shallow bytes in the base and the current dump. Immutable.
 *
 * @param className Java class name (see {@code ClassStats})
 */
public record ClassDelta(
    String className,
    long baseInstances,
    long currentInstances,
    long baseBytes,
    long currentBytes) {

  public long instancesDelta() {
    return currentInstances - baseInstances;
  }

  public long bytesDelta() {
    return currentBytes - baseBytes;
  }
}
