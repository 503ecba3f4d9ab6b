package io.heapfleet.collector.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.histogram.ClassStats;
import io.heapfleet.analysis.hprof.HprofLimits;
import io.heapfleet.auth.Compression;
import io.heapfleet.endpoint.WireEncoding;
import io.heapfleet.testsupport.hprof.HprofRootType;
import io.heapfleet.testsupport.hprof.HprofWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Base64;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Recognising the dump's kind from its first bytes, through the compression the task used, when the
 * first compressed block is larger than the read buffer (a real dump's strings and arrays do not
 * compress well): the peek must still be able to go back to the start.
 */
class DumpContentTest {

  /** An HPROF dump that starts with ~240 KB of strings that hardly compress, then one instance. */
  static byte[] dumpWithIncompressibleHead() {
    HprofWriter w = new HprofWriter(8);
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 4; i++) {
      byte[] noise = new byte[45_000];
      random.nextBytes(noise);
      w.string(Base64.getEncoder().encodeToString(noise));
    }
    long big = w.defineClass("com/acme/Big", 0, 0);
    w.root(HprofRootType.STICKY_CLASS, big);
    w.root(HprofRootType.JNI_GLOBAL, w.instance(big));
    return w.build();
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void aDumpWhoseFirstCompressedBlockOutgrowsTheBufferIsRecognised(Compression c) throws Exception {
    ByteArrayOutputStream encoded = new ByteArrayOutputStream();
    try (OutputStream out = WireEncoding.encode(c, encoded)) {
      out.write(dumpWithIncompressibleHead());
    }
    ClassHistogram h =
        DumpContent.histogram(
            new ByteArrayInputStream(encoded.toByteArray()),
            false,
            Instant.now(),
            HprofLimits.DEFAULT,
            OptionalLong.empty());
    assertThat(h.entries()).extracting(ClassStats::className).contains("com.acme.Big");
  }
}
