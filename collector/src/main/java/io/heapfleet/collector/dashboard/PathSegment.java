package io.heapfleet.collector.dashboard;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Builds the dashboard's links from task ids and dump names, which come from the tasks. Stateless.
 */
final class PathSegment {
  private PathSegment() {}

  /**
   * {@code s} encoded as one URL path segment: every byte but unreserved characters as {@code %XX}
   * (a space is {@code %20}, not form encoding's {@code +}), so a task id can never add a path
   * segment, a query or a fragment to a link.
   */
  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8)
        .replace("+", "%20")
        .replace("*", "%2A")
        .replace("%7E", "~");
  }
}
