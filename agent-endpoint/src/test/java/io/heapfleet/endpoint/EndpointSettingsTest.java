package io.heapfleet.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heapfleet.auth.Compression;
import io.heapfleet.auth.SecretException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EndpointSettingsTest {

  private static final Map<String, String> ENV =
      Map.of("HEAPFLEET_SECRET", TestSupport.SECRET_TEXT);

  @Test
  void defaultsAreDocumented() {
    EndpointSettings s = EndpointSettings.fromEnvironment(ENV);
    assertThat(s.port()).isEqualTo(9091);
    assertThat(s.scope()).isEqualTo("heapdump");
    assertThat(s.minInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.defaultFormat()).isEqualTo(Compression.GZIP);
    assertThat(s.taskId()).isEmpty();
    assertThat(s.toString()).doesNotContain(TestSupport.SECRET_TEXT);
  }

  @Test
  void hourlyTokenAndServerTimeoutsAreReadFromEnvAndAgentArgs() {
    EndpointSettings defaults = EndpointSettings.fromEnvironment(ENV);
    assertThat(defaults.acceptHourlyToken()).isTrue();
    assertThat(defaults.headerTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(defaults.stallTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(defaults.httpThreads()).isEqualTo(8);
    Map<String, String> env =
        Map.of(
            "HEAPFLEET_SECRET", TestSupport.SECRET_TEXT,
            "HEAPFLEET_HOURLY_TOKEN", "refuse",
            "HEAPFLEET_STALL_TIMEOUT", "90s");
    EndpointSettings s = EndpointSettings.fromAgentArgs("headerTimeout=2s,httpThreads=16", env);
    assertThat(s.acceptHourlyToken()).isFalse();
    assertThat(s.headerTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.stallTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(s.httpThreads()).isEqualTo(16);
    assertThat(EndpointSettings.fromAgentArgs("hourlyToken=accept", env).acceptHourlyToken())
        .isTrue();
    assertThatThrownBy(() -> EndpointSettings.fromAgentArgs("hourlyToken=maybe", ENV))
        .hasMessageContaining("HEAPFLEET_HOURLY_TOKEN")
        .hasMessageContaining("accept or refuse");
    assertThatThrownBy(() -> EndpointSettings.fromAgentArgs("headerTimeout=0s", ENV))
        .hasMessageContaining("HEAPFLEET_HEADER_TIMEOUT");
    assertThatThrownBy(() -> EndpointSettings.fromAgentArgs("httpThreads=1", ENV))
        .hasMessageContaining("HEAPFLEET_HTTP_THREADS");
  }

  @Test
  void agentArgumentsOverrideEnvironmentVariables(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("s"), TestSupport.SECRET_TEXT + "\n");
    Map<String, String> env =
        Map.of(
            "HEAPFLEET_PORT",
            "7000",
            "HEAPFLEET_TASK_ID",
            "from-env",
            "HEAPFLEET_MIN_INTERVAL",
            "2m");
    EndpointSettings s =
        EndpointSettings.fromAgentArgs(
            "port=7001,taskId=from-args,secretFile=" + secret + ",diskReserve=1GB,format=zstd",
            env);
    assertThat(s.port()).isEqualTo(7001);
    assertThat(s.taskId()).contains("from-args");
    assertThat(s.minInterval()).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.diskReserve()).isEqualTo(1L << 30);
    assertThat(s.defaultFormat()).isEqualTo(Compression.ZSTD);
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(() -> EndpointSettings.fromAgentArgs("port=70000", ENV))
        .hasMessageContaining("HEAPFLEET_PORT")
        .hasMessageContaining("70000");
    assertThatThrownBy(() -> EndpointSettings.fromAgentArgs("minInterval=soon", ENV))
        .hasMessageContaining("HEAPFLEET_MIN_INTERVAL")
        .hasMessageContaining("soon");
    assertThatThrownBy(() -> EndpointSettings.fromAgentArgs("format=bz2", ENV))
        .hasMessageContaining("bz2");
    assertThatThrownBy(() -> EndpointSettings.fromAgentArgs("taskId=a/b", ENV))
        .hasMessageContaining("a/b");
    assertThatThrownBy(() -> EndpointSettings.fromAgentArgs("nonsense", ENV))
        .hasMessageContaining("key=value");
  }

  @Test
  void theSecretIsNeverAnAgentArgumentAndWeakSecretsNeedConsent() {
    assertThatThrownBy(
            () -> EndpointSettings.fromAgentArgs("secret=" + TestSupport.SECRET_TEXT, Map.of()))
        .hasMessageContaining("HEAPFLEET_SECRET")
        .hasMessageNotContaining(TestSupport.SECRET_TEXT);
    assertThatThrownBy(() -> EndpointSettings.fromEnvironment(Map.of()))
        .isInstanceOf(SecretException.class)
        .hasMessageContaining("HEAPFLEET_SECRET_FILE");
    assertThatThrownBy(() -> EndpointSettings.fromEnvironment(Map.of("HEAPFLEET_SECRET", "short")))
        .isInstanceOf(SecretException.class);
    assertThat(
            EndpointSettings.fromEnvironment(
                    Map.of("HEAPFLEET_SECRET", "short", "HEAPFLEET_ALLOW_WEAK_SECRET", "true"))
                .secret()
                .isWeak())
        .isTrue();
  }

  @Test
  void durationsAndSizesHaveFriendlyForms() {
    assertThat(EndpointSettings.parseDuration("x", "500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(EndpointSettings.parseDuration("x", "PT1M")).isEqualTo(Duration.ofMinutes(1));
    assertThat(EndpointSettings.parseDuration("x", "45")).isEqualTo(Duration.ofSeconds(45));
    assertThat(EndpointSettings.parseDuration("x", "0")).isZero();
    assertThat(EndpointSettings.parseSize("x", "64MB")).isEqualTo(64L << 20);
    assertThat(EndpointSettings.parseSize("x", "1024TB")).isEqualTo(1L << 50);
    // Binary labels read as what they say; the older MB/GB spellings mean the same multiples.
    assertThat(EndpointSettings.parseSize("x", "64MiB")).isEqualTo(64L << 20);
    assertThat(EndpointSettings.parseSize("x", "2gib")).isEqualTo(2L << 30);
    assertThat(EndpointSettings.parseSize("x", "512KiB")).isEqualTo(512L << 10);
  }

  @Test
  void queryRedactionHidesTheHash() {
    assertThat(EndpointRequest.redact("format=zstd&hash=abc123&live=false"))
        .isEqualTo("format=zstd&hash=REDACTED&live=false");
    assertThat(EndpointRequest.parseQuery("hash=a%2Bb&x"))
        .containsEntry("hash", "a+b")
        .containsEntry("x", "");
  }
}
