package io.heapfleet.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;

class S3SettingsTest {

  @Test
  void eachWithChangesItsOwnComponentAndKeepsTheOthers() {
    S3Settings base = S3Settings.of("dumps");
    var credentials = AnonymousCredentialsProvider.create();
    S3Settings s =
        base.withPrefix("/heapfleet/prod/")
            .withRegion("eu-west-1")
            .withEncryption(ServerSideEncryption.KMS, "alias/heapfleet")
            .withPartSize(8 * 1024 * 1024)
            .withPartsInFlight(5)
            .withCredentials(credentials)
            .withChecksumCopyLimit(S3Settings.MAX_COPY_SIZE);
    assertThat(s)
        .isEqualTo(
            new S3Settings(
                "dumps",
                "heapfleet/prod",
                null,
                "eu-west-1",
                false,
                ServerSideEncryption.KMS,
                "alias/heapfleet",
                8 * 1024 * 1024,
                5,
                credentials,
                S3Settings.MAX_COPY_SIZE));
    assertThat(s.withPathStyle(true).pathStyle()).isTrue();
    assertThat(base).isEqualTo(S3Settings.of("dumps"));
  }

  @Test
  void anEndpointSwitchesOnPathStyleAndRemovingItKeepsWhatWasChosen() {
    S3Settings s = S3Settings.of("dumps").withEndpoint(URI.create("http://127.0.0.1:9000"));
    assertThat(s.pathStyle()).isTrue();
    assertThat(s.endpointOverride()).contains(URI.create("http://127.0.0.1:9000"));
    assertThat(s.withEndpoint(null).pathStyle()).isTrue();
    assertThat(S3Settings.of("dumps").withEndpoint(null).pathStyle()).isFalse();
  }

  @Test
  void aChangedCopyIsCheckedLikeNewSettings() {
    S3Settings s = S3Settings.of("dumps");
    assertThatThrownBy(() -> s.withEncryption(ServerSideEncryption.NONE, "alias/k"))
        .hasMessage("a KMS key id needs server-side encryption 'kms'");
    assertThatThrownBy(() -> s.withPartSize(1024)).hasMessageContaining("below S3's minimum");
    assertThatThrownBy(() -> s.withPartsInFlight(0))
        .hasMessage("parts in flight must be 1..64, was 0");
  }
}
