package io.heapfleet.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CompressionTest {

  @Test
  void idsAndTheirAliasesNameTheCompressionCaseInsensitively() {
    assertThat(Compression.fromId("gzip")).contains(Compression.GZIP);
    assertThat(Compression.fromId("GZ")).contains(Compression.GZIP);
    assertThat(Compression.fromId("Zstd")).contains(Compression.ZSTD);
    assertThat(Compression.fromId("zst")).contains(Compression.ZSTD);
    assertThat(Compression.fromId("raw")).contains(Compression.RAW);
    assertThat(Compression.fromId("hprof")).contains(Compression.RAW);
    assertThat(Compression.fromId("brotli")).isEmpty();
    assertThat(Compression.fromId(null)).isEmpty();
  }

  @Test
  void suffixAndContentTypeAreTheWireAndFileContract() {
    assertThat(Compression.GZIP.suffix()).isEqualTo(".gz");
    assertThat(Compression.ZSTD.suffix()).isEqualTo(".zst");
    assertThat(Compression.RAW.suffix()).isEmpty();
    assertThat(Compression.GZIP.contentType()).isEqualTo("application/gzip");
    assertThat(Compression.ZSTD.contentType()).isEqualTo("application/zstd");
    assertThat(Compression.RAW.contentType()).isEqualTo("application/octet-stream");
  }

  @Test
  void aFileNameShowsItsCompressionBySuffix() {
    assertThat(Compression.ofFileName("t-20261122T013709Z.hprof.gz")).isEqualTo(Compression.GZIP);
    assertThat(Compression.ofFileName("x.heapsnapshot.zst")).isEqualTo(Compression.ZSTD);
    assertThat(Compression.ofFileName("t-20261122T013709Z.hprof")).isEqualTo(Compression.RAW);
  }
}
