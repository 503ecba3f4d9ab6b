package io.heapfleet.analysis.trend;

import java.util.Locale;
import java.util.Optional;

/**
 * The verdict of a trend: serialized as {@code leaking} / {@code stable} / {@code inconclusive}.
 */
public enum Assessment {
  /** Something keeps growing steadily. */
  LEAKING,
  /**
   * The heap's recent growth is within noise: flat, fluctuating, or grown and levelled off (e.g. a
   * cache that warmed up).
   */
  STABLE,
  /**
   * The dumps cannot tell a leak from a warm-up yet: too few of them, or the heap still rises
   * beyond its noise while its growth slows. The trend's reason says what would decide it.
   */
  INCONCLUSIVE;

  /**
   * Whether the deep analysis should name what grows and who holds it: for a leak (the owner to
   * fix) and for an inconclusive trend (what is still filling, shown as what grows, not as a leak);
   * a stable heap has no growth beyond noise to explain.
   */
  public boolean hasGrowthToExplain() {
    return this != STABLE;
  }

  /** The JSON form: {@code leaking}, {@code stable} or {@code inconclusive}. */
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The assessment whose {@link #json()} form is {@code value} (case-insensitive); empty for
   * anything else, such as the collector's {@code unknown} for a task with too few dumps.
   */
  public static Optional<Assessment> fromJson(String value) {
    if (value == null) {
      return Optional.empty();
    }
    for (Assessment a : values()) {
      if (a.json().equalsIgnoreCase(value.trim())) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
