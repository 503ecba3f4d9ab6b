package io.heapfleet.collector.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The documented rules that turn an announced size into a deadline, a byte cap, an inflation bound.
 */
class CaptureLimitsTest {
  static final long MIB = 1024 * 1024;
  static final CaptureLimits LIMITS = CaptureLimits.DEFAULT;

  @Test
  void deadlineIsTheBasePlusOneSecondPerMibAnnouncedUpToTheMaximum() {
    assertThat(LIMITS.deadline(OptionalLong.of(600 * MIB)))
        .isEqualTo(Duration.ofMinutes(5).plusSeconds(600));
    assertThat(LIMITS.deadline(OptionalLong.of(100_000 * MIB))).isEqualTo(Duration.ofHours(2));
    assertThat(LIMITS.deadline(OptionalLong.of(Long.MAX_VALUE))).isEqualTo(Duration.ofHours(2));
    assertThat(LIMITS.deadline(OptionalLong.empty())).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void byteCapIsTwiceTheAnnouncedSizeBetweenFloorAndCeiling() {
    assertThat(LIMITS.maxBytes(OptionalLong.of(1000 * MIB))).isEqualTo(2000 * MIB);
    assertThat(LIMITS.maxBytes(OptionalLong.of(MIB))).isEqualTo(256 * MIB);
    assertThat(LIMITS.maxBytes(OptionalLong.of(Long.MAX_VALUE))).isEqualTo(64L * 1024 * MIB);
    assertThat(LIMITS.maxBytes(OptionalLong.empty())).isEqualTo(64L * 1024 * MIB);
  }

  @Test
  void inflationBoundIsTheAnnouncedHprofSizePlusTheMarginAndOneMib() {
    assertThat(LIMITS.maxInflatedBytes(OptionalLong.of(10_000_000))).hasValue(10_500_000 + MIB);
    assertThat(LIMITS.maxInflatedBytes(OptionalLong.empty())).isEmpty();
    assertThat(LIMITS.maxInflatedBytes(OptionalLong.of(-5))).isEmpty();
  }

  @Test
  void inflationIsBoundedByTheHeapInUseWhenTheHprofSizeComesOnlyAfterTheDump() {
    // A keep-alive response starts before the dump exists: only the heap in use is known.
    assertThat(LIMITS.maxInflatedBytes(OptionalLong.empty(), OptionalLong.of(100 * MIB)))
        .hasValue(464 * MIB);
    assertThat(LIMITS.maxInflatedBytes(OptionalLong.of(10_000_000), OptionalLong.of(100 * MIB)))
        .hasValue(10_500_000 + MIB);
    assertThat(LIMITS.maxInflatedBytes(OptionalLong.empty(), OptionalLong.empty())).isEmpty();
  }

  @Test
  void heapUsedStandsInWhenNoHprofSizeIsAnnounced() {
    assertThat(CaptureLimits.announced(OptionalLong.of(5), OptionalLong.of(7))).hasValue(5);
    assertThat(CaptureLimits.announced(OptionalLong.empty(), OptionalLong.of(7))).hasValue(7);
    assertThat(CaptureLimits.announced(OptionalLong.of(0), OptionalLong.of(-1))).isEmpty();
  }

  @Test
  void settingsAreCheckedAtTheDoor() {
    assertThatThrownBy(
            () ->
                new CaptureLimits(Duration.ofMinutes(5), 0, Duration.ofHours(1), MIB, 2, MIB, 0.05))
        .hasMessageContaining("minBytesPerSecond must be positive, got 0");
    assertThatThrownBy(
            () ->
                new CaptureLimits(
                    Duration.ofMinutes(5), MIB, Duration.ofMinutes(1), MIB, 2, MIB, 0.05))
        .hasMessageContaining("maxDeadline PT1M must be at least deadlineBase PT5M");
  }
}
