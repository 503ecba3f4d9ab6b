package io.heapfleet.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;

/** Settings from CDK context: values, defaults, and errors that name the key and the value. */
class HeapfleetSettingsTest {
  static HeapfleetSettings fromContext(Map<String, Object> context) {
    return HeapfleetSettings.fromContext(
        new App(AppProps.builder().context(context).build()).getNode());
  }

  @Test
  void contextValuesAndDefaults() {
    HeapfleetSettings s =
        fromContext(
            Map.of(
                "cluster", "prod",
                "vpcId", "vpc-0abc",
                "services", "checkout, catalog",
                "kms", "true",
                "heapMiB", "1024",
                "memoryMiB", "2048",
                "deepMaxDumpBytes", Long.toString(40L << 30)));
    assertThat(s.services()).isEqualTo(List.of("checkout", "catalog"));
    assertThat(s.kms()).isTrue();
    assertThat(s.heapMiB()).isEqualTo(1024);
    assertThat(s.agentPort()).isEqualTo(9091);
    assertThat(s.scheduleInterval()).isEqualTo("30m");
    assertThat(s.destroyBucket()).isFalse();
    assertThat(s.ephemeralGiB()).isEqualTo(80);
  }

  @Test
  void missingClusterIsNamed() {
    assertThatThrownBy(() -> fromContext(Map.of("vpcId", "vpc-0abc")))
        .hasMessageContaining("context cluster=[null]")
        .hasMessageContaining("the ECS cluster name");
  }

  @Test
  void badValuesAreNamedWithWhatIsExpected() {
    assertThatThrownBy(
            () -> fromContext(Map.of("cluster", "prod", "vpcId", "vpc-0abc", "kms", "yes")))
        .hasMessage("context kms=[yes] must be true or false");
    assertThatThrownBy(
            () -> fromContext(Map.of("cluster", "prod", "vpcId", "vpc-0abc", "cpu", "300")))
        .hasMessageContaining("context cpu=[300] is not valid; expected one of");
    assertThatThrownBy(
            () -> fromContext(Map.of("cluster", "prod", "vpcId", "vpc-0abc", "heapMiB", "1000")))
        .hasMessageContaining("context heapMiB=[1000]");
    assertThatThrownBy(
            () ->
                fromContext(
                    Map.of(
                        "cluster", "prod",
                        "vpcId", "vpc-0abc",
                        "deepMaxDumpBytes", Long.toString(101L << 30))))
        .hasMessageContaining("at most 100 GiB");
    assertThatThrownBy(
            () ->
                fromContext(
                    Map.of("cluster", "prod", "vpcId", "vpc-0abc", "subnetIds", "subnet-1")))
        .hasMessageContaining("context availabilityZones=[]");
    assertThatThrownBy(
            () ->
                fromContext(
                    Map.of("cluster", "prod", "vpcId", "vpc-0abc", "scheduleInterval", "soon")))
        .hasMessageContaining("context scheduleInterval=[soon]");
  }
}
