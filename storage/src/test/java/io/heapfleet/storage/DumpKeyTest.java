package io.heapfleet.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heapfleet.auth.Compression;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DumpKeyTest {
  static final Instant T = Instant.parse("2026-11-22T01:37:09.123Z");

  @Test
  void keyFollowsTheLayoutAndParsesBack() {
    DumpKey k = DumpKey.of("prod", "orders", "0a1b2c3d4e5f", T, DumpFormat.GZIP);

    assertThat(k.toKey("heapdumps"))
        .isEqualTo("heapdumps/prod/orders/0a1b2c3d4e5f/20261122T013709Z.hprof.gz");
    assertThat(k.summaryKey("heapdumps"))
        .isEqualTo("heapdumps/prod/orders/0a1b2c3d4e5f/20261122T013709Z.summary.json");
    assertThat(k.toKey("")).isEqualTo("prod/orders/0a1b2c3d4e5f/20261122T013709Z.hprof.gz");
    assertThat(DumpKey.parse("heapdumps", k.toKey("heapdumps"))).isEqualTo(k);
    assertThat(k.time()).isEqualTo(Instant.parse("2026-11-22T01:37:09Z"));
    assertThat(k.downloadFileName()).isEqualTo("0a1b2c3d4e5f-20261122T013709Z.hprof.gz");
  }

  @Test
  void laterDumpsInTheSameSecondGetASequenceSuffixThatSortsAfterTheFirst() {
    DumpKey first = DumpKey.of("prod", "orders", "t", T, DumpFormat.GZIP);
    DumpKey second = first.withSequence(2);

    assertThat(first.sequence()).isEqualTo(1);
    assertThat(second.toKey("p")).isEqualTo("p/prod/orders/t/20261122T013709Z_2.hprof.gz");
    assertThat(second.summaryKey("p")).isEqualTo("p/prod/orders/t/20261122T013709Z_2.summary.json");
    assertThat(second.downloadFileName()).isEqualTo("t-20261122T013709Z_2.hprof.gz");
    assertThat(DumpKey.parse("p", second.toKey("p"))).isEqualTo(second);
    assertThat(DumpKey.parse("p", first.toKey("p"))).isEqualTo(first);
    // as strings too: the suffixed key lists right after its twin, before the next second
    DumpKey next = DumpKey.of("prod", "orders", "t", T.plusSeconds(1), DumpFormat.GZIP);
    assertThat(List.of(next.toKey("p"), second.toKey("p"), first.toKey("p")).stream().sorted())
        .containsExactly(first.toKey("p"), second.toKey("p"), next.toKey("p"));
    assertThat(List.of(next, second, first).stream().sorted(DumpKey.SERIES_ORDER))
        .containsExactly(first, second, next);
    assertThatThrownBy(() -> DumpKey.parse("p", "p/prod/orders/t/20261122T013709Z_1.hprof.gz"))
        .hasMessageContaining("bad sequence '_1'");
    assertThatThrownBy(() -> first.withSequence(0)).hasMessageContaining("was 0");
  }

  @Test
  void nodeSnapshotsHaveTheirOwnExtensionsAndParseBack() {
    DumpKey k = DumpKey.of("prod", "web", "0a1b", T, DumpFormat.SNAPSHOT_GZIP);

    assertThat(k.toKey("p")).isEqualTo("p/prod/web/0a1b/20261122T013709Z.heapsnapshot.gz");
    assertThat(k.summaryKey("p")).isEqualTo("p/prod/web/0a1b/20261122T013709Z.summary.json");
    assertThat(k.downloadFileName()).isEqualTo("0a1b-20261122T013709Z.heapsnapshot.gz");
    assertThat(DumpKey.parse("p", k.toKey("p"))).isEqualTo(k);
    assertThat(DumpKey.parse("p", k.withSequence(2).toKey("p")).sequence()).isEqualTo(2);
    for (DumpFormat f : DumpFormat.values()) {
      DumpKey any = DumpKey.of("prod", "web", "0a1b", T, f);
      assertThat(DumpKey.parse("p", any.toKey("p")).format()).isEqualTo(f);
      assertThat(DumpKey.isDumpFileName(any.fileName())).isTrue();
    }
    assertThat(DumpFormat.ofFileName("x.heapsnapshot")).contains(DumpFormat.SNAPSHOT_RAW);
    assertThat(DumpFormat.ofFileName("x.heapsnapshot.zst")).contains(DumpFormat.SNAPSHOT_ZSTD);
    assertThat(DumpFormat.SNAPSHOT_GZIP.runtime()).isEqualTo("node");
    assertThat(DumpFormat.GZIP.runtime()).isEqualTo("jvm");
    assertThat(DumpFormat.parse("gzip", true)).isEqualTo(DumpFormat.SNAPSHOT_GZIP);
    assertThat(DumpFormat.parse("raw", true)).isEqualTo(DumpFormat.SNAPSHOT_RAW);
    assertThat(DumpFormat.parse("zstd", false)).isEqualTo(DumpFormat.ZSTD);
    assertThat(DumpFormat.parse("heapsnapshot", true)).isEqualTo(DumpFormat.SNAPSHOT_RAW);
    assertThatThrownBy(() -> DumpFormat.parse("brotli"))
        .hasMessage("unknown dump format 'brotli'; use gzip, zstd or raw");
    for (DumpFormat f : DumpFormat.values()) {
      // runtime × compression: the extension is the runtime's plus the compression's suffix.
      assertThat(DumpFormat.of(f.isHeapSnapshot(), f.compression())).isEqualTo(f);
      assertThat(f.extension())
          .isEqualTo((f.isHeapSnapshot() ? ".heapsnapshot" : ".hprof") + f.compression().suffix());
    }
    assertThat(DumpFormat.of(true, Compression.ZSTD).extension()).isEqualTo(".heapsnapshot.zst");
    assertThat(DumpKey.isDumpFileName("20261122T013709Z.heapsnapshot.json")).isFalse();
  }

  @Test
  void unknownClusterAndServiceUseThePlaceholder() {
    DumpKey k = DumpKey.of(null, "", "t", T, DumpFormat.ZSTD);
    assertThat(k.toKey("p")).isEqualTo("p/_/_/t/20261122T013709Z.hprof.zst");
    assertThat(DumpKey.parse("p", k.toKey("p")).task()).isEqualTo(new TaskRef(null, null, "t"));
  }

  @Test
  void oddCharactersCannotEscapeTheirSegment() {
    assertThat(KeySegment.encode("a/b", "id")).isEqualTo("a%2Fb");
    assertThat(KeySegment.encode("..", "id")).isEqualTo("%2E%2E");
    assertThat(KeySegment.encode("_tasks", "id")).isEqualTo("%5Ftasks");
    assertThat(KeySegment.encode("_", "id")).isEqualTo("%5F");
    assertThat(KeySegment.encode("a_b-c.d", "id")).isEqualTo("a_b-c.d");
    assertThat(KeySegment.encode("ü %", "id")).isEqualTo("%C3%BC%20%25");
    for (String id : new String[] {"a/b", "..", "_", "_tasks", "ü %", "x%2F"}) {
      assertThat(KeySegment.decode(KeySegment.encode(id, "id"))).isEqualTo(id);
    }
  }

  @Test
  void badIdsAreRefusedWithTheirName() {
    assertThatThrownBy(() -> DumpKey.of("c", "s", "", T, DumpFormat.RAW))
        .hasMessage("task id must not be empty");
    assertThatThrownBy(() -> DumpKey.of("c", "s", "x".repeat(256), T, DumpFormat.RAW))
        .hasMessageContaining("task id is 256 bytes long");
    assertThatThrownBy(() -> DumpKey.parse("p", "p/c/s/t/notatime.hprof.gz"))
        .hasMessageContaining("p/c/s/t/notatime.hprof.gz");
    assertThatThrownBy(() -> DumpKey.parse("p", "q/c/s/t/20261122T013709Z.hprof.gz"))
        .hasMessageContaining("not under prefix 'p'");
  }

  @Test
  void settingsValidateAtTheDoor() {
    assertThatThrownBy(() -> S3Settings.of("b").withPartSize(1024))
        .hasMessageContaining("part size 1024 is below");
    assertThatThrownBy(() -> S3Settings.of("b").withEncryption(ServerSideEncryption.AES256, "k"))
        .hasMessageContaining("KMS key id needs");
    assertThat(S3Settings.of("b").withPrefix("/a/b/").prefix()).isEqualTo("a/b");
    assertThatThrownBy(() -> ServerSideEncryption.parse("rot13")).hasMessageContaining("'rot13'");
  }
}
