package io.heapfleet.endpoint;

import io.heapfleet.auth.Compression;

/**
 * What a dump request asks for in its query: {@code ?format=gzip|zstd|raw} (the settings' default
 * when absent) and {@code ?live=true|false} (true when absent), or why the query is refused (400).
 * Immutable.
 */
final class DumpQuery {

  private final Compression format;
  private final boolean live;
  private final String problem;

  private DumpQuery(Compression format, boolean live, String problem) {
    this.format = format;
    this.live = live;
    this.problem = problem;
  }

  /** Reads the query of {@code request}; {@link #problem()} is set when it is not valid. */
  static DumpQuery of(EndpointRequest request, Compression defaultFormat) {
    Compression format;
    String formatParam = request.queryParameter("format");
    if (formatParam == null || formatParam.isEmpty()) {
      format = defaultFormat;
    } else {
      format = Compression.fromId(formatParam).orElse(null);
      if (format == null) {
        return refused(
            "format must be gzip, zstd or raw, was '" + Answers.headerSafe(formatParam) + "'");
      }
    }
    String liveParam = request.queryParameter("live");
    boolean live;
    if (liveParam == null || liveParam.isEmpty() || liveParam.equalsIgnoreCase("true")) {
      live = true;
    } else if (liveParam.equalsIgnoreCase("false")) {
      live = false;
    } else {
      return refused("live must be true or false, was '" + Answers.headerSafe(liveParam) + "'");
    }
    return new DumpQuery(format, live, null);
  }

  private static DumpQuery refused(String problem) {
    return new DumpQuery(null, false, problem);
  }

  boolean valid() {
    return problem == null;
  }

  /** Why the query is refused, for the 400's message; null when valid. */
  String problem() {
    return problem;
  }

  Compression format() {
    return format;
  }

  boolean live() {
    return live;
  }
}
