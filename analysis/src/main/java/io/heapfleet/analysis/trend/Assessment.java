package io.heapfleet.analysis.trend;

/** The verdict of a trend: serialized as {@code leaking} / {@code stable}. */
public enum Assessment {
  /** Something keeps growing steadily. */
  LEAKING,
  /** Flat, fluctuating, or grown and levelled off (e.g. a cache that warmed up). */
  STABLE;

  /** The JSON form: {@code leaking} or {@code stable}. */
  public String json() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
