package io.heapfleet.localsqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LocalSqsOptionsTest {

  @Test
  void defaultsToAFreePortAndTheCollectorsQueueName() {
    LocalSqs.Options o = LocalSqs.Options.parse(new String[0]);

    assertThat(o.port()).isZero();
    assertThat(o.queue()).isEqualTo(LocalSqs.DEFAULT_QUEUE);
    assertThat(o.maxReceives()).isEqualTo(5);
  }

  @Test
  void badArgumentsAreRefusedWithTheValue() {
    assertThatThrownBy(() -> LocalSqs.Options.parse(new String[] {"--port", "70000"}))
        .hasMessage("--port must be a number 0..65535, got '70000'");
    assertThatThrownBy(() -> LocalSqs.Options.parse(new String[] {"--queue", "a/b"}))
        .hasMessageContaining("got 'a/b'");
    assertThatThrownBy(() -> LocalSqs.Options.parse(new String[] {"--max-receives"}))
        .hasMessage("--max-receives needs a value");
    assertThatThrownBy(() -> LocalSqs.Options.parse(new String[] {"--bind", "0.0.0.0"}))
        .hasMessage("unknown argument '--bind'");
  }
}
