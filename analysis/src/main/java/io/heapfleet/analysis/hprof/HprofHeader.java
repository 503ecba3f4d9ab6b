package io.heapfleet.analysis.hprof;

import java.time.Instant;

/**
 * The HPROF file header: version string, identifier size (4 or 8 bytes) and the time the dump was
 * taken. Immutable.
 *
 * @param version {@code JAVA PROFILE 1.0.1} or {@code JAVA PROFILE 1.0.2}
 * @param idSize size of object/class/string identifiers in bytes: 4 or 8
 * @param timestamp when the dump was written, from the header's milliseconds since the epoch
 * @param headerLength number of bytes the header takes (version, NUL, id size, timestamp)
 */
public record HprofHeader(String version, int idSize, Instant timestamp, int headerLength) {

  /** The versions this reader understands. */
  public static final String[] SUPPORTED_VERSIONS = {"JAVA PROFILE 1.0.1", "JAVA PROFILE 1.0.2"};
}
