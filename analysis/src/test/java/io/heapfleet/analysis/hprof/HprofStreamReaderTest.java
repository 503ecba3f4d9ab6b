package io.heapfleet.analysis.hprof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HprofStreamReaderTest {
  @TempDir Path dir;

  /** Records what the reader reports, decoding bodies through the reader it hands out. */
  static class Recorder implements HprofListener {
    final Map<Long, String> strings = new HashMap<>();
    final Map<Long, Long> classNames = new HashMap<>();
    final List<ClassDump> classDumps = new ArrayList<>();
    final List<String> roots = new ArrayList<>();
    final List<String> objects = new ArrayList<>();
    int heapDumpEnds;

    @Override
    public void onString(long id, String text) {
      strings.put(id, text);
    }

    @Override
    public void onLoadClass(int serial, long classId, int stackSerial, long nameId) {
      classNames.put(classId, nameId);
    }

    @Override
    public void onGcRoot(GcRootType type, long objectId) {
      roots.add(type + "@" + Long.toHexString(objectId));
    }

    @Override
    public void onClassDump(ClassDump classDump) {
      classDumps.add(classDump);
    }

    @Override
    public void onInstanceDump(long id, long classId, int length, RecordReader body)
        throws IOException {
      // Read only the first field (an id) and leave the rest for the reader to skip.
      objects.add("instance " + Long.toHexString(id) + " first=" + Long.toHexString(body.readId()));
    }

    @Override
    public void onObjectArrayDump(long id, long classId, int length, RecordReader body)
        throws IOException {
      StringBuilder sb = new StringBuilder("objarray " + Long.toHexString(id) + " [");
      for (int i = 0; i < length; i++) {
        sb.append(Long.toHexString(body.readId())).append(i + 1 < length ? "," : "]");
      }
      objects.add(sb.toString());
    }

    @Override
    public void onPrimitiveArrayDump(long id, BasicType type, int length, RecordReader body) {
      objects.add("primarray " + type + " " + length);
    }

    @Override
    public void onHeapDumpEnd() {
      heapDumpEnds++;
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 8})
  void readsEveryRecordAndSubRecordTypeWithBothIdSizes(int idSize) throws IOException {
    SyntheticDumps.Everything d = SyntheticDumps.everyRecordType(idSize);
    Recorder rec = new Recorder();
    try (HprofInput in = HprofInput.open(new ByteArrayInputStream(d.bytes()))) {
      assertThat(in.format()).isEqualTo(InputFormat.PLAIN);
      assertThat(in.header().idSize()).isEqualTo(idSize);
      assertThat(in.header().version()).isEqualTo("JAVA PROFILE 1.0.2");
      assertThat(in.header().timestamp()).isEqualTo(Instant.parse("2026-11-22T01:00:00.123Z"));
      HprofStreamReader.Summary summary = in.read(rec);
      assertThat(summary.heapDumpRecords()).isEqualTo(2);
      assertThat(summary.objects()).isEqualTo(11);
      assertThat(summary.bytes()).isEqualTo(d.bytes().length);
    }
    assertThat(rec.strings.get(rec.classNames.get(d.entryClass())))
        .isEqualTo("com/acme/Cache$Entry");
    ClassDump entry =
        rec.classDumps.stream().filter(c -> c.classId() == d.entryClass()).findFirst().get();
    assertThat(entry.classLoaderId()).isEqualTo(0x4242);
    assertThat(entry.superClassId()).isEqualTo(d.objectClass());
    assertThat(entry.instanceSize()).isEqualTo(idSize + 8 + 1 + 2);
    assertThat(entry.instanceFields())
        .extracting(f -> rec.strings.get(f.nameId()) + ":" + f.type())
        .containsExactly("key:OBJECT", "hits:LONG", "flag:BOOLEAN", "c:CHAR");
    assertThat(entry.staticFields()).hasSize(1);
    assertThat(entry.staticFields().get(0).value()).isEqualTo(7);
    assertThat(rec.objects)
        .contains(
            "instance "
                + Long.toHexString(d.entry1())
                + " first="
                + Long.toHexString(d.byteArray()),
            "instance " + Long.toHexString(d.entry2()) + " first=0",
            "objarray "
                + Long.toHexString(d.objectArray())
                + " ["
                + Long.toHexString(d.entry1())
                + ","
                + Long.toHexString(d.entry2())
                + ",0]",
            "primarray BYTE 10",
            "primarray BOOLEAN 9",
            "primarray DOUBLE 2");
    assertThat(rec.roots).hasSize(GcRootType.values().length);
    assertThat(rec.roots).contains("THREAD_OBJECT@" + Long.toHexString(d.entry1()));
    assertThat(rec.heapDumpEnds).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"plain", "gzip", "chunked", "zstd"})
  void detectsFormatByMagicBytesFromFilesAndStreams(String kind) throws IOException {
    byte[] plain = SyntheticDumps.everyRecordType(8).bytes();
    byte[] data =
        switch (kind) {
          case "gzip" -> Compression.gzip(plain);
          case "chunked" -> Compression.chunkedGzip(plain, 200);
          case "zstd" -> Compression.zstd(plain);
          default -> plain;
        };
    InputFormat expected =
        switch (kind) {
          case "gzip" -> InputFormat.GZIP;
          case "chunked" -> InputFormat.CHUNKED_GZIP;
          case "zstd" -> InputFormat.ZSTD;
          default -> InputFormat.PLAIN;
        };
    // A misleading name: detection must not look at it.
    Path file = dir.resolve("dump.txt");
    Files.write(file, data);
    Recorder fromFile = new Recorder();
    try (HprofInput in = HprofInput.open(file)) {
      assertThat(in.format()).isEqualTo(expected);
      assertThat(in.read(fromFile).bytes()).isEqualTo(plain.length);
    }
    Recorder fromStream = new Recorder();
    try (HprofInput in = HprofInput.open(new ByteArrayInputStream(data))) {
      assertThat(in.format()).isEqualTo(expected);
      in.read(fromStream);
    }
    assertThat(fromFile.objects).hasSize(11).isEqualTo(fromStream.objects);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "hello world, not a dump", "PK\u0003\u0004zipfile"})
  void refusesInputThatIsNotAHeapDump(String content) {
    assertThatThrownBy(() -> HprofInput.open(new ByteArrayInputStream(content.getBytes())))
        .isInstanceOf(HprofFormatException.class)
        .hasMessageContaining("Not a heap dump")
        .hasMessageContaining("JAVA PROFILE");
  }

  @ParameterizedTest
  @ValueSource(strings = {"JAVA PROFILE 1.0.3", "JAVA PROFILE 9"})
  void refusesUnknownVersionNamingIt(String version) {
    byte[] bytes = SyntheticDumps.everyRecordType(8).bytes();
    byte[] header = (version + "\0").getBytes();
    byte[] data = new byte[header.length + 12];
    System.arraycopy(header, 0, data, 0, header.length);
    System.arraycopy(bytes, 19, data, header.length, 12);
    assertThatThrownBy(() -> HprofInput.open(new ByteArrayInputStream(data)))
        .isInstanceOf(HprofFormatException.class)
        .hasMessageContaining("Unsupported HPROF version [" + version + "]")
        .hasMessageContaining("JAVA PROFILE 1.0.2");
  }

  @org.junit.jupiter.api.Test
  void listenerErrorIsPlacedInItsSubRecordWhateverItsWordsAndOnlyOnce() throws IOException {
    // A listener's complaint whose text happens to say "in the" is still placed in its record,
    // and a complaint that names its record already is passed on as it is.
    SyntheticDumps.Everything d = SyntheticDumps.everyRecordType(8);
    HprofListener complains =
        new Recorder() {
          @Override
          public void onInstanceDump(long id, long classId, int length, RecordReader body)
              throws IOException {
            throw new HprofFormatException(body.position(), "no field named x in the layout");
          }
        };
    try (HprofInput in = HprofInput.open(new ByteArrayInputStream(d.bytes()))) {
      assertThatThrownBy(() -> in.read(complains))
          .isInstanceOfSatisfying(
              HprofFormatException.class,
              e -> assertThat(e.record()).isEqualTo("INSTANCE_DUMP sub-record"))
          .hasMessageMatching(
              "no field named x in the layout in the INSTANCE_DUMP sub-record starting at offset"
                  + " \\d+ \\(at offset \\d+\\)");
    }
    HprofFormatException placed =
        new HprofFormatException(40, "bad").inRecord("CLASS_DUMP sub-record", 30);
    assertThat(placed.inRecord("HEAP_DUMP_SEGMENT record", 10)).isSameAs(placed);
    assertThat(placed.getMessage())
        .isEqualTo("bad in the CLASS_DUMP sub-record starting at offset 30 (at offset 40)");
  }

  @org.junit.jupiter.api.Test
  void refusesIdSizeOtherThanFourOrEight() {
    byte[] data = SyntheticDumps.everyRecordType(8).bytes().clone();
    data[19 + 3] = 5;
    assertThatThrownBy(() -> HprofInput.open(new ByteArrayInputStream(data)))
        .isInstanceOf(HprofFormatException.class)
        .hasMessageContaining("identifier size 5")
        .hasMessageContaining("offset 19");
  }

  @org.junit.jupiter.api.Test
  void lengthPointingPastTheEndIsReportedWithTheRecord() throws IOException {
    SyntheticDumps.Everything d = SyntheticDumps.everyRecordType(8);
    byte[] data = d.bytes().clone();
    // The first heap dump segment: make its length absurd.
    long segment =
        d.writer().boundaries().stream()
            .filter(o -> data[(int) (long) o] == 0x1C)
            .findFirst()
            .get();
    int at = (int) segment + 5;
    data[at] = (byte) 0x7f;
    Path file = dir.resolve("bad.hprof");
    Files.write(file, data);
    try (HprofInput in = HprofInput.open(file)) {
      assertThatThrownBy(() -> in.read(new Recorder()))
          .isInstanceOf(HprofFormatException.class)
          .hasMessageContaining("offset");
    }
  }
}
