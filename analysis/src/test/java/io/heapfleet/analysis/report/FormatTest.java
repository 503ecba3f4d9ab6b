package io.heapfleet.analysis.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The one text formatter: binary units labelled as such, rates per hour, one duration style. */
class FormatTest {
  private static final double MIB = 1024 * 1024;

  @Test
  void sizesAreBinaryAndLabelledKibMibGib() {
    assertThat(Format.bytes(512)).isEqualTo("512 B");
    assertThat(Format.bytes(14.2 * 1024)).isEqualTo("14.2 KiB");
    assertThat(Format.bytes(898 * MIB)).isEqualTo("898.0 MiB");
    assertThat(Format.bytes(2.25 * 1024 * MIB)).isEqualTo("2.25 GiB");
    // 10^6 bytes are not a MiB: the label and the divisor agree.
    assertThat(Format.bytes(1_000_000)).isEqualTo("976.6 KiB");
    assertThat(Format.bytesOrDash(-1)).isEqualTo("-");
  }

  @Test
  void ratesAreSignedSizesPerHour() {
    assertThat(Format.bytesPerHour(898 * MIB)).isEqualTo("+898.0 MiB/h");
    assertThat(Format.bytesPerHour(-20 * 1024)).isEqualTo("-20.0 KiB/h");
    assertThat(Format.bytesPerSecond(61 * MIB)).isEqualTo("61.0 MiB/s");
    assertThat(Format.countPerHour(1234)).isEqualTo("+1,234/h");
  }

  @Test
  void durationsShowTheirTwoLargestUnits() {
    assertThat(Format.duration(Duration.ofMillis(350))).isEqualTo("350 ms");
    assertThat(Format.duration(Duration.ofSeconds(45))).isEqualTo("45 s");
    assertThat(Format.duration(Duration.ofSeconds(250))).isEqualTo("4 min 10 s");
    assertThat(Format.duration(Duration.ofMinutes(10))).isEqualTo("10 min");
    assertThat(Format.duration(Duration.ofMinutes(3 * 60 + 12))).isEqualTo("3 h 12 min");
    assertThat(Format.duration(Duration.ofHours(51))).isEqualTo("2 d 3 h");
    assertThat(Format.duration(Duration.ofSeconds(-90))).isEqualTo("-1 min 30 s");
    assertThat(Format.seconds(187)).isEqualTo("3 min 7 s");
  }

  @Test
  void timesAreUtcToTheSecond() {
    assertThat(Format.time(Instant.parse("2026-11-22T05:35:39.123Z")))
        .isEqualTo("2026-11-22 05:35:39 UTC");
  }
}
