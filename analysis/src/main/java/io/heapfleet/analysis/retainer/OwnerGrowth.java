package io.heapfleet.analysis.retainer;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Growth attributed to owners between two dumps of one task: "{@code com.acme.cart.Cart} objects
 * held by {@code static CartStore.CARTS} retain +40 MiB per hour". Both dumps are analysed deeply
 * for the same suspects; the owner and path come from the newer dump, the growth is the change of
 * what that owner class retains, per hour of dump time. Stateless; thread-safe.
 */
final class OwnerGrowth {

  /**
   * One suspect's owner and how fast what it retains grows.
   *
   * @param className the suspect class
   * @param owner owner class in the newer dump (see {@link SuspectOwner#owner()})
   * @param retainedBytes what the owner objects retain in the newer dump
   * @param retainedBytesBefore what owner objects of the same class retained in the older dump
   * @param retainedBytesPerHour the change per hour between the two dumps' timestamps
   * @param path the retainer path in the newer dump
   */
  public record Growth(
      String className,
      String owner,
      long retainedBytes,
      long retainedBytesBefore,
      double retainedBytesPerHour,
      List<String> path) {
    public Growth {
      path = List.copyOf(path);
    }
  }

  private OwnerGrowth() {}

  /** Analyses both dumps; {@code older} must have been written before {@code newer}. */
  public static List<Growth> between(
      Path older, Path newer, Collection<String> suspects, DeepOptions options) throws IOException {
    DeepResult before = DeepAnalysis.of(older, options.withoutLabels(), suspects);
    DeepResult after = DeepAnalysis.of(newer, options, suspects);
    return between(before, after);
  }

  /** The same from two results already computed for the same suspects. */
  public static List<Growth> between(DeepResult before, DeepResult after) {
    double hours =
        Duration.between(before.dumpTimestamp(), after.dumpTimestamp()).toMillis() / 3_600_000.0;
    if (hours <= 0) {
      throw new IllegalArgumentException(
          "the newer dump ("
              + after.dumpTimestamp()
              + ") must be written after the older one ("
              + before.dumpTimestamp()
              + ")");
    }
    List<Growth> result = new ArrayList<>();
    for (SuspectReport now : after.suspects()) {
      SuspectOwner o = now.toSuspectOwner();
      long previous =
          before.suspects().stream()
              .filter(s -> s.className().equals(now.className()))
              .flatMap(s -> s.owners().stream())
              .filter(w -> w.owner() != null && w.owner().equals(o.owner()))
              .mapToLong(OwnerReport::ownerRetainedBytes)
              .findFirst()
              .orElse(0);
      result.add(
          new Growth(
              now.className(),
              o.owner(),
              o.retainedBytes(),
              previous,
              (o.retainedBytes() - previous) / hours,
              o.path()));
    }
    return result;
  }
}
