package io.heapfleet.endpoint;

import java.util.Optional;

/**
 * The resources of the protocol, matched exactly: {@code /heapdumpXX/heapdump/identity} or {@code
 * /x/heapdump} is not one of them (404). What each accepts as a credential is in {@link
 * RequestAuthenticator}.
 */
public enum EndpointPath {
  /** {@code /heapdump}: the dump (hourly token or capture credential). */
  DUMP(HeapfleetHeaders.PATH_DUMP),
  /** {@code /heapdump/identity}: who this task is (any credential, including the task token). */
  IDENTITY(HeapfleetHeaders.PATH_IDENTITY),
  /** {@code /heapdump/stats}: heap figures between dumps (any credential, like the identity). */
  STATS(HeapfleetHeaders.PATH_STATS),
  /** {@code /heapdump/proof}: the identity proof (no credential). */
  PROOF(HeapfleetHeaders.PATH_PROOF);

  private final String path;

  EndpointPath(String path) {
    this.path = path;
  }

  public String path() {
    return path;
  }

  /** The resource at exactly {@code path}, or empty. */
  public static Optional<EndpointPath> of(String path) {
    for (EndpointPath p : values()) {
      if (p.path.equals(path)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
