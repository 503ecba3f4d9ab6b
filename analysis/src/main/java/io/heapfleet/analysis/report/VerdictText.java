package io.heapfleet.analysis.report;

import io.heapfleet.analysis.retainer.GrowingOwner;
import io.heapfleet.analysis.trend.Assessment;
import io.heapfleet.analysis.trend.LockstepGroup;
import io.heapfleet.analysis.trend.RecentGrowthText;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The words and figures every front end shows for one task's verdict, produced once so the CLI
 * text, Markdown, report, demo, dashboard and API agree: the verdict line, the growth column, the
 * "flat since" text and the owner-first top suspect. Stateless and thread-safe.
 *
 * <p>The growth shown always supports the verdict: a leaking task shows its slope over all dumps;
 * an inconclusive one the slope over its latest dumps (the rise still to be explained); a stable
 * one shows no rate at all but "flat" (its recent growth is within noise, which is why it is
 * stable), with since when when the heap levelled off after a warm-up.
 */
public final class VerdictText {
  private VerdictText() {}

  /** {@code LEAKING}, {@code STABLE}, {@code INCONCLUSIVE}: how the text outputs open. */
  public static String label(Assessment a) {
    return a.json().toUpperCase(java.util.Locale.ROOT);
  }

  /**
   * The first line a person reads: {@code "LEAKING: <owner headline>"} when owners are known for a
   * leaking trend (what to fix), else {@code "<LABEL>: <reason>"}.
   */
  public static String line(Assessment a, String reason, List<GrowingOwner> owners) {
    if (a == Assessment.LEAKING && !owners.isEmpty()) {
      return label(a) + ": " + owners.get(0).headline();
    }
    return label(a) + ": " + reason;
  }

  /**
   * For an inconclusive trend with known owners, what grows and where it piles up, worded as an
   * observation rather than a leak verdict: {@code "What grows (not a leak verdict yet): static
   * com.acme.PriceCache.CACHE (java.util.HashMap, +2,000 entries/dump): +452.1 MiB/h
   * (PriceCache$Entry, byte[])"}. Empty for other verdicts (a leak's owner is its first line) or
   * without owners.
   */
  public static Optional<String> whatGrows(Assessment a, List<GrowingOwner> owners) {
    if (a != Assessment.INCONCLUSIVE || owners.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(WHAT_GROWS + owners.get(0).headline());
  }

  /** How {@link #whatGrows} opens. */
  public static final String WHAT_GROWS = "What grows (not a leak verdict yet): ";

  /**
   * The heap growth that goes with the verdict, bytes/hour: the whole series' slope when leaking,
   * otherwise the slope over the latest dumps. Used to sort; see {@link #growth} for the text.
   */
  public static double shownBytesPerHour(
      Assessment a, double heapBytesPerHour, double recentHeapBytesPerHour) {
    return a == Assessment.LEAKING ? heapBytesPerHour : recentHeapBytesPerHour;
  }

  /**
   * The recent heap slope to publish beside a verdict (bytes/hour), or empty when no figure backs
   * it: a leaking or inconclusive task's slope over its latest dumps; for a stable task only the
   * slope over its plateau (the flat stretch since {@code flatSince}, which is what makes it
   * stable). A stable task without a plateau gets none: its later-half slope may hold growth the
   * verdict set aside as noise or as fewer-but-bigger arrays (GC filler), so printing it would
   * contradict the verdict.
   */
  public static java.util.OptionalDouble recentRate(
      Assessment a, double recentHeapBytesPerHour, Instant flatSince) {
    if (a == Assessment.STABLE && flatSince == null) {
      return java.util.OptionalDouble.empty();
    }
    return java.util.OptionalDouble.of(recentHeapBytesPerHour);
  }

  /**
   * The growth column: {@code +900.0 MiB/h} (leaking, all dumps), {@code +452.1 MiB/h}
   * (inconclusive, latest dumps), {@code flat since 2026-11-22T05:35:39Z} or {@code flat} (stable);
   * {@code –} without an assessment.
   *
   * @param flatSince when a stable heap levelled off after warm-up, or {@code null}
   */
  public static String growth(
      Assessment a, double heapBytesPerHour, double recentHeapBytesPerHour, Instant flatSince) {
    if (a == null) {
      return "–";
    }
    if (a == Assessment.STABLE) {
      // Stable means the recent growth is within noise: a rate computed over a few wobbling dumps
      // would only suggest growth the verdict has ruled out.
      return flatSince == null ? "flat" : "flat since " + RecentGrowthText.time(flatSince);
    }
    return Format.bytesPerHour(shownBytesPerHour(a, heapBytesPerHour, recentHeapBytesPerHour));
  }

  /**
   * For a stable heap that levelled off after warm-up: {@code "warm-up: grew 17.4 MiB, flat since
   * 2026-11-22T05:45:15Z"}; empty otherwise.
   */
  public static Optional<String> warmUp(Assessment a, Instant flatSince, long warmUpBytes) {
    if (a != Assessment.STABLE || flatSince == null) {
      return Optional.empty();
    }
    return Optional.of(
        "warm-up: grew "
            + Format.bytes(warmUpBytes)
            + ", flat since "
            + RecentGrowthText.time(flatSince));
  }

  /**
   * The class to look at first, owner first: for a leaking or inconclusive task the best-ranked
   * owner when the deep analysis named one, else its first growing class; nothing for a stable task
   * (nothing grows beyond noise) or without an assessment.
   *
   * @param owners owners best first (may be empty)
   * @param growing the trend's growing classes, best suspect first (may be empty)
   */
  public static Optional<String> topSuspect(
      Assessment a, List<GrowingOwner> owners, List<String> growing) {
    if (a == null || a == Assessment.STABLE) {
      return Optional.empty();
    }
    if (!owners.isEmpty()) {
      return Optional.of(owners.get(0).owner());
    }
    return growing == null || growing.isEmpty()
        ? Optional.empty()
        : Optional.ofNullable(growing.get(0));
  }

  /** What holds {@link #topSuspect}'s objects, when it is an owner with a known holder. */
  public static Optional<String> topSuspectHolder(Assessment a, List<GrowingOwner> owners) {
    if (a == null || a == Assessment.STABLE || owners.isEmpty()) {
      return Optional.empty();
    }
    return Optional.ofNullable(owners.get(0).holder());
  }

  /**
   * One line per lockstep group: {@code "Growing in lockstep (+2,000 instances per dump):
   * com.acme.Memoizer$Entry, with long[], byte[], java.util.HashMap$Node"}.
   */
  public static List<String> lockstep(List<LockstepGroup> groups) {
    return groups.stream()
        .map(
            g ->
                "Growing in lockstep ("
                    + Format.signedCount(g.instancesPerDump())
                    + " instances per dump): "
                    + String.join(", ", g.applicationClasses())
                    + (g.platformClasses().isEmpty()
                        ? ""
                        : ", with " + String.join(", ", g.platformClasses())))
        .toList();
  }

  /**
   * The fleet's one-line summary, e.g. {@code "Fleet verdict: 1 task is leaking; 1 is
   * inconclusive."} or {@code "Fleet verdict: no task is leaking."}.
   */
  public static String fleet(int leaking, int inconclusive) {
    String head =
        leaking == 0
            ? "no task is leaking"
            : (leaking == 1 ? "1 task is" : leaking + " tasks are") + " leaking";
    String rest =
        inconclusive == 0
            ? ""
            : "; "
                + inconclusive
                + (inconclusive == 1 ? " is" : " are")
                + " inconclusive (more dumps will tell)";
    return "Fleet verdict: " + head + rest + ".";
  }
}
