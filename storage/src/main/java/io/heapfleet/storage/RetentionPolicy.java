package io.heapfleet.storage;

import java.time.Duration;

/**
 * Which of a task's dumps to keep: at most the newest {@code keepNewest} (0 = no count limit) and
 * none older than {@code maxAge} ({@code null} = no age limit). Summaries and per-task artifacts
 * are always kept: they are small and carry the history that trends need. Immutable.
 */
public record RetentionPolicy(Duration maxAge, int keepNewest) {
  public RetentionPolicy {
    if (keepNewest < 0) {
      throw new IllegalArgumentException("keepNewest must be >= 0, was " + keepNewest);
    }
    if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
      throw new IllegalArgumentException("maxAge must be positive, was " + maxAge);
    }
  }

  /** Keep dumps younger than {@code days} days. */
  public static RetentionPolicy maxAgeDays(int days) {
    return new RetentionPolicy(Duration.ofDays(days), 0);
  }

  /** Keep the newest {@code n} dumps. */
  public static RetentionPolicy keepNewest(int n) {
    return new RetentionPolicy(null, n);
  }
}
