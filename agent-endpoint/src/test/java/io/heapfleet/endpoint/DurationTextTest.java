package io.heapfleet.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationTextTest {
  @Test
  void readsEveryUnitABareNumberOfSecondsAndIso8601() {
    assertThat(DurationText.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationText.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(DurationText.parse(" 30 ")).isEqualTo(Duration.ofSeconds(30));
    assertThat(DurationText.parse("5M")).isEqualTo(Duration.ofMinutes(5));
    assertThat(DurationText.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(DurationText.parse("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(DurationText.parse("pt1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(DurationText.parse("0s")).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "s", "-5s", "5 s", "5w", "1.5h", "PT", "99999999999999999999s"})
  void refusesWhatIsNotADurationNamingIt(String text) {
    assertThatThrownBy(() -> DurationText.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "' is not a duration (e.g. 500ms");
  }

  @Test
  void refusesANegativeIsoDuration() {
    assertThatThrownBy(() -> DurationText.parse("PT-5S"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'PT-5S' is negative");
  }

  @Test
  void settingsAndTheCommandLineShareTheGrammar() {
    assertThat(EndpointSettings.parseDuration("minInterval", "2m"))
        .isEqualTo(Duration.ofMinutes(2));
    assertThatThrownBy(() -> EndpointSettings.parseDuration("minInterval", "soon"))
        .hasMessageStartingWith("minInterval: 'soon' is not a duration");
  }
}
