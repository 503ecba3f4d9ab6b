package io.heapfleet.analysis.histogram;

/**
 * The runtime whose heap a histogram describes, written as {@code "runtime"} in the histogram JSON
 * so that JVM and Node.js summaries are told apart (and never trended together).
 */
public enum HeapRuntime {
  /** A JVM heap from an HPROF dump. */
  JVM("jvm"),
  /** A Node.js heap from a V8 heap snapshot. */
  NODE("node");

  private final String json;

  HeapRuntime(String json) {
    this.json = json;
  }

  /** The JSON value: {@code jvm} or {@code node}. */
  public String json() {
    return json;
  }

  /** The runtime for a JSON value. */
  public static HeapRuntime ofJson(String value) {
    for (HeapRuntime r : values()) {
      if (r.json.equals(value)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown runtime '" + value + "' (jvm or node)");
  }
}
