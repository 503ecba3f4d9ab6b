package io.heapfleet.endpoint;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the protocol needs to know about an HTTP request, whatever server received it. Each front
 * door adapts its own request type to this.
 */
public interface EndpointRequest {

  /** The HTTP method, e.g. {@code GET}. */
  String method();

  /** The decoded path, e.g. {@code /heapdump} or {@code /heapdump/identity}; matched exactly. */
  String path();

  /** The first value of a request header (case-insensitive name), or null. */
  String header(String name);

  /** The first value of a decoded query parameter, or null. */
  String queryParameter(String name);

  /** The raw query string (may contain a token: only ever logged through {@link #redact}). */
  String rawQuery();

  /** The caller's address as the server saw it (a load balancer's, behind one). */
  String remoteAddress();

  /** Parses a raw query string into decoded parameters (first value wins per name). */
  static Map<String, String> parseQuery(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return Collections.emptyMap();
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      params.putIfAbsent(name, value);
    }
    return params;
  }

  /** The raw query with the value of every {@code hash} parameter replaced by {@code REDACTED}. */
  static String redact(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return "";
    }
    List<String> out = new ArrayList<>();
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String decoded = decode(name);
      if (decoded.equalsIgnoreCase("hash") || decoded.equalsIgnoreCase("token")) {
        out.add(name + "=REDACTED");
      } else {
        out.add(pair);
      }
    }
    return String.join("&", out);
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
