package io.heapfleet.collector.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heapfleet.collector.stats.OldGenTrend;
import io.heapfleet.collector.stats.StatsSample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;

/** The adaptive policy's rules, one at a time, on stats series laid out minute by minute. */
class AdaptivePolicyTest {
  static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
  static final long MB = 1_000_000;
  static final AdaptivePolicy POLICY =
      new AdaptivePolicy(
          new AdaptivePolicy.Settings(
              Duration.ofMinutes(1),
              Duration.ofMinutes(10),
              Duration.ofHours(6),
              Duration.ofMinutes(30),
              32 * MB,
              0.05,
              new OldGenTrend.Thresholds(Duration.ofMinutes(30), 5, 4 * MB, 0.02, 0.8)));

  /** The same policy, allowed to ask a task for a full collection every 2 minutes. */
  static final AdaptivePolicy PROBING =
      new AdaptivePolicy(
          new AdaptivePolicy.Settings(
              Duration.ofMinutes(1),
              Duration.ofMinutes(10),
              Duration.ofHours(6),
              Duration.ofMinutes(30),
              32 * MB,
              0.05,
              new OldGenTrend.Thresholds(Duration.ofMinutes(30), 5, 4 * MB, 0.02, 0.8),
              Duration.ofMinutes(2)));

  static Instant at(int minute) {
    return T0.plusSeconds(60L * minute);
  }

  static List<StatsSample> minutes(int from, int to, IntToLongFunction oldGen) {
    List<StatsSample> out = new ArrayList<>();
    for (int m = from; m <= to; m++) {
      out.add(new StatsSample(at(m), oldGen.applyAsLong(m), 500 * MB, 400 * MB, -1, m, m));
    }
    return out;
  }

  static TaskHistory history(Integer lastDumpMinute, List<StatsSample> samples) {
    return new TaskHistory(
        "t1",
        T0,
        Optional.ofNullable(lastDumpMinute).map(AdaptivePolicyTest::at),
        true,
        samples,
        400 * MB);
  }

  /** A history of a task that runs a full collection on request, last asked at that minute. */
  static TaskHistory probeable(int lastDumpMinute, List<StatsSample> samples, Integer probedAt) {
    return new TaskHistory(
        "t1",
        T0,
        Optional.of(at(lastDumpMinute)),
        true,
        samples,
        400 * MB,
        Optional.ofNullable(probedAt).map(AdaptivePolicyTest::at),
        true,
        Optional.empty());
  }

  /** {@code samples} up to minute {@code m}, then what a full collection at {@code m} left. */
  static List<StatsSample> probedAt(List<StatsSample> samples, int m, long alive, long major) {
    List<StatsSample> out = new ArrayList<>(samples.subList(0, m + 1));
    out.add(new StatsSample(at(m).plusSeconds(1), alive, alive, 400 * MB, -1, m, m, alive, major));
    return out;
  }

  @Test
  void aPromotedLeakIsProbedWithAFullCollectionThenDumpedAtTheMinimumInterval() {
    // +12 MB every 2 minutes in use above a stale after-GC figure: 36 MB at minute 7.
    List<StatsSample> s = serial(40, 12 * MB, Integer.MAX_VALUE, 0);
    for (int m = 2; m <= 6; m++) {
      CapturePolicy.Decision d = PROBING.due(at(m), probeable(1, s.subList(0, m + 1), null));
      assertThat(d.due() || d.probe()).as("minute %d", m).isFalse();
    }
    CapturePolicy.Decision probe = PROBING.due(at(7), probeable(1, s.subList(0, 8), null));
    assertThat(probe.probe()).as(probe.reason()).isTrue();
    assertThat(probe.due()).isFalse();
    assertThat(probe.reason())
        .isEqualTo(
            "old gen in use +34.3 MiB above its after-GC figure (threshold 30.5 MiB): a full"
                + " collection will tell growth from garbage");
    // The collection found 136 MB alive: the growth is known, no second probe; the dump waits for
    // the minimum interval and is then due from the fresh figure.
    List<StatsSample> alive = probedAt(s, 7, 136 * MB, 5);
    for (int m = 8; m <= 10; m++) {
      CapturePolicy.Decision d = PROBING.due(at(m), probeable(1, alive, 7));
      assertThat(d.due() || d.probe()).as("minute %d", m).isFalse();
    }
    CapturePolicy.Decision dump = PROBING.due(at(11), probeable(1, alive, 7));
    assertThat(dump.due()).isTrue();
    assertThat(dump.reason()).startsWith("old gen after GC +34.3 MiB since the last dump");
  }

  @Test
  void onceTheMinimumIntervalIsOverAnythingPromotedGetsOneProbe() {
    // +4 MB every 2 minutes in use: far below the 32 MB threshold by minute 11.
    List<StatsSample> s = serial(40, 4 * MB, Integer.MAX_VALUE, 0);
    assertThat(PROBING.due(at(10), probeable(1, s.subList(0, 11), null)).probe()).isFalse();
    // 5 s before the interval is over, so that the answer is in when the dump may be taken.
    CapturePolicy.Decision d =
        PROBING.due(at(11).minusSeconds(5), probeable(1, s.subList(0, 11), null));
    assertThat(d.probe()).as(d.reason()).isTrue();
    assertThat(PROBING.due(at(11).minusSeconds(6), probeable(1, s.subList(0, 11), null)).probe())
        .isFalse();
    // That probe found it alive and grown by the threshold: the dump is due at once.
    List<StatsSample> alive = probedAt(s, 11, 140 * MB, 5);
    assertThat(PROBING.due(at(11).plusSeconds(5), probeable(1, alive, 11)).due()).isTrue();
    // Found garbage instead: no second eager probe; the threshold rule takes over again.
    List<StatsSample> garbage = probedAt(s, 11, 101 * MB, 5);
    for (int m = 12; m <= 20; m++) {
      garbage.add(new StatsSample(at(m), 101 * MB, 121 * MB, 400 * MB, -1, m, m, 101 * MB + MB, 5));
      CapturePolicy.Decision after = PROBING.due(at(m), probeable(1, garbage, 11));
      assertThat(after.due() || after.probe()).as("minute %d", m).isFalse();
    }
    // Nothing promoted: no probe at all.
    List<StatsSample> quiet = serial(40, 0, Integer.MAX_VALUE, 0);
    assertThat(PROBING.due(at(11), probeable(1, quiet.subList(0, 12), null)).probe()).isFalse();
  }

  @Test
  void promotedGarbageIsProbedAtMostOncePerProbeIntervalAndNeverDumped() {
    // Young GCs promote 12 MB every 2 minutes that a full collection removes: each probe leaves
    // 101 MB alive. Every time 32 MB have piled up again, one probe, never two within 2 minutes.
    List<StatsSample> s = new ArrayList<>(serial(1, 0, Integer.MAX_VALUE, 0));
    Integer lastProbe = null;
    long major = 4;
    long base = 101 * MB;
    int probes = 0;
    int since = 1;
    for (int m = 2; m < 120; m++) {
      long used = base + (m - since) / 2 * 12 * MB;
      s.add(new StatsSample(at(m), base, used + 20 * MB, 400 * MB, -1, m, m, used, major));
      CapturePolicy.Decision d = PROBING.due(at(m), probeable(1, s, lastProbe));
      assertThat(d.due()).as("minute %d: %s", m, d.reason()).isFalse();
      if (d.probe()) {
        assertThat(lastProbe == null || m - lastProbe >= 2).as("minute %d", m).isTrue();
        probes++;
        lastProbe = m;
        major++;
        since = m;
        s.add(new StatsSample(at(m).plusSeconds(1), base, base, 400 * MB, -1, m, m, base, major));
      }
    }
    assertThat(probes).isBetween(10, 20);
    // A task that refuses probes gets the dump-based rule instead.
    TaskHistory refusing =
        new TaskHistory(
            "t1",
            T0,
            Optional.of(at(1)),
            true,
            serial(12, 12 * MB, Integer.MAX_VALUE, 0),
            400 * MB,
            Optional.empty(),
            false,
            Optional.empty());
    assertThat(PROBING.due(at(11), refusing).due()).isTrue();
  }

  @Test
  void growthIsCountedFromTheFigureTheDumpsOwnCollectionLeftNotFromTheOneBeforeIt() {
    // Before the dump (minute 1) the figure was a stale 100 MB; the dump's full collection (the
    // major count moves from 3 to 4) left 130 MB, and the old generation stays at 134 MB after GC:
    // +4 MB since the dump, not +34 MB.
    List<StatsSample> s = new ArrayList<>();
    for (int m = 0; m <= 12; m++) {
      long afterGc = m <= 1 ? 100 * MB : m < 6 ? 130 * MB : 134 * MB;
      long major = m <= 1 ? 3 : m < 6 ? 4 : 5;
      s.add(new StatsSample(at(m), afterGc, afterGc, 400 * MB, -1, m, m, afterGc, major));
    }
    assertThat(POLICY.due(at(12), history(1, s)).due()).isFalse();
    // Had the dump's collection found the same 100 MB, the 134 MB would be growth.
    List<StatsSample> grew = new ArrayList<>(s);
    grew.set(2, new StatsSample(at(2), 100 * MB, 100 * MB, 400 * MB, -1, 2, 2, 100 * MB, 4));
    for (int m = 3; m < 6; m++) {
      grew.set(m, new StatsSample(at(m), 100 * MB, 100 * MB, 400 * MB, -1, m, m, 100 * MB, 4));
    }
    assertThat(POLICY.due(at(12), history(1, grew)).due()).isTrue();
  }

  @Test
  void takesABaselineEarlyInTheTasksLifeButNotBeforeItsHistoryIsKnown() {
    assertThat(POLICY.due(at(0), history(null, List.of())).due()).isFalse();
    assertThat(POLICY.due(at(1), history(null, List.of())))
        .isEqualTo(CapturePolicy.Decision.due("baseline"));
    TaskHistory unknown = new TaskHistory("t1", T0, Optional.empty(), false, List.of(), -1);
    assertThat(POLICY.due(at(60), unknown).due()).isFalse();
    // Looked at again within a second (the first poll reads the history), and a baseline that is
    // not due yet at the moment it will be.
    assertThat(POLICY.due(at(60), unknown).lookAgain()).isEqualTo(at(60).plusSeconds(1));
    assertThat(POLICY.due(at(0), history(null, List.of())).lookAgain()).isEqualTo(at(1));
  }

  /** A task first seen at T0, without a dump yet, whose process started at {@code started}. */
  static TaskHistory startedAt(Instant started) {
    return new TaskHistory(
        "t1",
        T0,
        Optional.empty(),
        true,
        List.of(),
        -1,
        Optional.empty(),
        false,
        Optional.of(started));
  }

  @Test
  void aTaskFoundRunningForLongerThanTheWaitGetsItsBaselineAtOnce() {
    assertThat(POLICY.due(T0, startedAt(T0.minusSeconds(3600))))
        .isEqualTo(CapturePolicy.Decision.due("baseline"));
    TaskHistory starting = startedAt(T0.minusSeconds(20));
    assertThat(POLICY.due(at(0).plusSeconds(30), starting).due()).isFalse();
    assertThat(POLICY.due(at(0).plusSeconds(40), starting).due()).isTrue();
  }

  @Test
  void aFlatTaskIsDumpedOnlyAtTheMaximumInterval() {
    List<StatsSample> flat = minutes(0, 400, m -> 100 * MB + (m % 2) * MB);
    for (int m = 2; m < 360; m++) {
      assertThat(POLICY.due(at(m), history(1, flat)).due()).as("minute %d", m).isFalse();
    }
    assertThat(POLICY.due(at(361), history(1, flat)))
        .isEqualTo(CapturePolicy.Decision.due("maximum interval"));
  }

  @Test
  void growthSinceTheLastDumpTriggersAfterTheMinimumInterval() {
    // 100 MB at the dump (minute 1), then +8 MB a minute: 32 MB (the floor; 5% of 400 MB is 20 MB)
    // is reached at minute 5, but the minimum interval holds it to minute 11.
    List<StatsSample> s = minutes(0, 30, m -> 100 * MB + Math.max(0, m - 1) * 8 * MB);
    assertThat(POLICY.due(at(10), history(1, s.subList(0, 11))).due()).isFalse();
    CapturePolicy.Decision d = POLICY.due(at(11), history(1, s.subList(0, 12)));
    assertThat(d.due()).isTrue();
    assertThat(d.reason()).startsWith("old gen after GC +76.3 MiB since the last dump");
  }

  @Test
  void aSlowSteadyRiseTriggersOnceTheWindowSinceTheLastDumpShowsIt() {
    // +0.5 MB a minute: 15 MB in 30 minutes, under the 32 MB threshold, but steady.
    List<StatsSample> s = minutes(0, 40, m -> 100 * MB + m * MB / 2);
    assertThat(POLICY.due(at(29), history(1, s.subList(0, 30))).due()).isFalse();
    CapturePolicy.Decision d = POLICY.due(at(31), history(1, s.subList(0, 32)));
    assertThat(d.due()).isTrue();
    assertThat(d.reason()).startsWith("old gen after GC rises steadily: +28.6 MiB/h");
  }

  /**
   * A Serial/Parallel-shaped series: before the dump at minute 1 the old generation held 100 MB
   * after GC (3 major GCs); the dump's full GC is the 4th and leaves 100 MB; from then on young GCs
   * promote {@code promotedPerStep} every 2 minutes into the old generation and, unless {@code
   * fullGcAt} is reached, no full GC runs, so {@code oldGenAfterGc} stays at 100 MB.
   */
  static List<StatsSample> serial(int to, long promotedPerStep, int fullGcAt, long liveAfterFull) {
    List<StatsSample> out = new ArrayList<>();
    for (int m = 0; m <= to; m++) {
      long afterGc = 100 * MB;
      long used = m < 1 ? 110 * MB : 100 * MB + (m - 1) / 2 * promotedPerStep;
      long major = m < 2 ? 3 : 4;
      if (m >= fullGcAt) {
        afterGc = liveAfterFull;
        used = liveAfterFull + (m - fullGcAt) / 2 * promotedPerStep;
        major = 5;
      }
      out.add(
          new StatsSample(at(m), afterGc, used + 20 * MB, 400 * MB, -1, 10L * m, m, used, major));
    }
    return out;
  }

  @Test
  void aLeakPromotedByYoungGcsIsDumpedFromTheOldGenInUseWhileTheAfterGcFigureIsStale() {
    // +12 MB every 2 minutes in use, the after-GC figure stuck at 100 MB: over 32 MB at minute 7,
    // held back by the minimum interval to minute 11.
    List<StatsSample> s = serial(40, 12 * MB, Integer.MAX_VALUE, 0);
    for (int m = 2; m <= 10; m++) {
      assertThat(POLICY.due(at(m), history(1, s.subList(0, m + 1))).due())
          .as("minute %d", m)
          .isFalse();
    }
    CapturePolicy.Decision d = POLICY.due(at(11), history(1, s.subList(0, 12)));
    assertThat(d.due()).isTrue();
    assertThat(d.reason())
        .isEqualTo(
            "old gen in use +57.2 MiB since the last dump, no old-generation GC since (threshold"
                + " 30.5 MiB)");
    // The after-GC rule alone would not have seen it before the maximum interval.
    assertThat(POLICY.due(at(11), history(1, withoutOccupancy(s.subList(0, 12)))).due()).isFalse();
  }

  @Test
  void garbageThatAFullGcRemovedDoesNotTriggerOnceTheAfterGcFigureIsFresh() {
    // The same promotion, but a full GC at minute 8 found only 101 MB alive: the after-GC figure
    // is fresh again (+1 MB) and rules; what is in use since is garbage waiting for the next one.
    List<StatsSample> s = serial(40, 12 * MB, 8, 101 * MB);
    assertThat(POLICY.due(at(11), history(1, s.subList(0, 12))).due()).isFalse();
    assertThat(POLICY.due(at(20), history(1, s.subList(0, 21))).due()).isFalse();
  }

  @Test
  void aDumpThatFoundTheOldGenInUseToBeGarbageRestsTheRuleUntilTheNextDump() {
    // At the dump (minute 1) 40 MB were in use above the after-GC figure; the dump's full GC left
    // 101 MB (+1 MB): garbage. Young GCs keep promoting garbage with no full GC: not due again
    // until the maximum interval.
    List<StatsSample> s = new ArrayList<>();
    s.add(new StatsSample(at(0), 100 * MB, 160 * MB, 400 * MB, -1, 0, 0, 130 * MB, 3));
    s.add(new StatsSample(at(1), 100 * MB, 170 * MB, 400 * MB, -1, 1, 1, 140 * MB, 3));
    for (int m = 2; m <= 400; m++) {
      long used = 101 * MB + (m - 2) / 2 * 12 * MB % (200 * MB);
      s.add(new StatsSample(at(m), 101 * MB, used + 20 * MB, 400 * MB, -1, m, m, used, 4));
    }
    for (int m = 11; m < 360; m += 5) {
      assertThat(POLICY.due(at(m), history(1, s.subList(0, m + 1))).due())
          .as("minute %d", m)
          .isFalse();
    }
    assertThat(POLICY.due(at(361), history(1, s.subList(0, 362))).reason())
        .isEqualTo("maximum interval");
    // Had that dump found the growth alive, the task would be due again.
    List<StatsSample> alive = new ArrayList<>(s.subList(0, 2));
    for (int m = 2; m <= 20; m++) {
      long used = 140 * MB + (m - 2) / 2 * 12 * MB;
      alive.add(new StatsSample(at(m), 140 * MB, used + 20 * MB, 400 * MB, -1, m, m, used, 4));
    }
    assertThat(POLICY.due(at(11), history(1, alive.subList(0, 12))).due()).isTrue();
  }

  @Test
  void anOldCollectionThatTheMajorCountMissesStillMakesTheFigureFresh() {
    // G1 counts only full GCs as major, but mixed collections refresh the after-GC figure.
    List<StatsSample> s = new ArrayList<>();
    for (int m = 0; m <= 12; m++) {
      long afterGc = m < 6 ? 100 * MB : 102 * MB;
      long used = 100 * MB + m * 8 * MB;
      s.add(new StatsSample(at(m), afterGc, used, 400 * MB, -1, m, m, used, 0));
    }
    assertThat(POLICY.due(at(12), history(1, s)).due()).isFalse();
  }

  @Test
  void aQuietTaskWhoseOldGenInUseStaysFlatIsNotDumpedBeforeTheMaximumInterval() {
    List<StatsSample> s = serial(400, MB / 4, Integer.MAX_VALUE, 0).subList(0, 3);
    List<StatsSample> quiet = new ArrayList<>(s);
    for (int m = 3; m <= 400; m++) {
      long used = 100 * MB + (m % 7) * MB;
      quiet.add(new StatsSample(at(m), 100 * MB, used, 400 * MB, -1, m, m, used, 4));
    }
    for (int m = 2; m < 360; m += 7) {
      assertThat(POLICY.due(at(m), history(1, quiet)).due()).as("minute %d", m).isFalse();
    }
    assertThat(POLICY.due(at(361), history(1, quiet)).reason()).isEqualTo("maximum interval");
  }

  static List<StatsSample> withoutOccupancy(List<StatsSample> samples) {
    return samples.stream()
        .map(
            x ->
                new StatsSample(
                    x.time(),
                    x.oldGenAfterGc(),
                    x.heapUsed(),
                    x.heapMax(),
                    x.rss(),
                    x.gcCount(),
                    x.gcTimeMs()))
        .toList();
  }

  @Test
  void withoutStatsItFallsBackToTheFixedInterval() {
    assertThat(POLICY.due(at(30), history(1, List.of())).due()).isFalse();
    assertThat(POLICY.due(at(31), history(1, List.of())))
        .isEqualTo(CapturePolicy.Decision.due("no stats: fallback interval"));
  }

  @Test
  void settingsAreCheckedAtTheDoor() {
    assertThatThrownBy(
            () ->
                new AdaptivePolicy.Settings(
                    Duration.ZERO,
                    Duration.ofHours(2),
                    Duration.ofHours(1),
                    Duration.ofMinutes(30),
                    1,
                    0,
                    POLICY.settings().trend()))
        .hasMessageContaining("maxInterval (PT1H) must be >= minInterval (PT2H)");
  }
}
