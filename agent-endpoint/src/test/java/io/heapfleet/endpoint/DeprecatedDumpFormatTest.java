package io.heapfleet.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.auth.Compression;
import io.heapfleet.endpoint.client.DumpRequest;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** Code written against the old wire-format enum keeps its names, ids and behaviour. */
@SuppressWarnings("deprecation")
class DeprecatedDumpFormatTest {

  @Test
  void eachConstantStandsForTheCompressionOfTheSameName() {
    for (DumpFormat f : DumpFormat.values()) {
      assertThat(f.compression().name()).isEqualTo(f.name());
      assertThat(DumpFormat.of(f.compression())).isEqualTo(f);
      assertThat(f.id()).isEqualTo(f.compression().id());
      assertThat(f.contentType()).isEqualTo(f.compression().contentType());
    }
    assertThat(DumpFormat.GZIP.extension()).isEqualTo(".hprof.gz");
    assertThat(DumpFormat.ZSTD.extension()).isEqualTo(".hprof.zst");
    assertThat(DumpFormat.RAW.extension()).isEqualTo(".hprof");
    assertThat(DumpFormat.fromId("zst")).contains(DumpFormat.ZSTD);
    assertThat(DumpFormat.fromId("nope")).isEmpty();
  }

  @Test
  void theOldOverloadsAcceptIt() throws Exception {
    assertThat(DumpRequest.defaults().withFormat(DumpFormat.ZSTD).format())
        .contains(Compression.ZSTD);
    assertThat(
            EndpointSettings.builder(TestSupport.SECRET)
                .defaultFormat(DumpFormat.RAW)
                .build()
                .defaultFormat())
        .isEqualTo(Compression.RAW);
    Instant at = Instant.parse("2026-11-22T01:37:09Z");
    assertThat(HeapdumpEndpoint.fileName("t", at, DumpFormat.GZIP))
        .isEqualTo("t-20261122T013709Z.hprof.gz");
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = DumpFormat.GZIP.encode(sink)) {
      out.write("JAVA PROFILE".getBytes(StandardCharsets.US_ASCII));
    }
    try (GZIPInputStream in =
        new GZIPInputStream(new java.io.ByteArrayInputStream(sink.toByteArray()))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII))
          .isEqualTo("JAVA PROFILE");
    }
  }
}
