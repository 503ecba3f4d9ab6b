package io.heapfleet.analysis.histogram;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.fixture.JvmFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The correctness oracle: a real JVM writes the JDK's own class histogram ({@code
 * GC.class_histogram}) and a live heap dump at the same quiescent moment; our histogram of the dump
 * must report the same instance count (and, for these plain classes, the same bytes) for every
 * application class.
 */
class JdkHistogramOracleTest {
  private static final String APP = "io.heapfleet.analysis.fixture.app.";
  private static final Pattern LINE =
      Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)", Pattern.MULTILINE);

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource({"-XX:+UseCompressedOops, compressed-oops", "-XX:-UseCompressedOops, wide-oops"})
  void instanceCountsAndBytesMatchTheJdkHistogram(String option, String model)
      throws IOException, InterruptedException {
    JvmFixtures.run(dir, List.of(option), "oracle", dir.toString());
    Map<String, long[]> jdk = parseJdkHistogram(Files.readString(dir.resolve("histo.txt")));
    ClassHistogram ours = ClassHistograms.of(dir.resolve("dump.hprof"));

    assertThat(ours.sizeModel().label()).isEqualTo(model);
    // Cut at segment boundaries and read by three threads: the same histogram.
    assertThat(ClassHistograms.parallel(dir.resolve("dump.hprof"), 3)).isEqualTo(ours);
    // The fast path (above) and the general listener path give the same histogram, whole or split,
    // and with a small buffer that puts buffer ends inside many records.
    assertThat(ClassHistograms.viaListener(dir.resolve("dump.hprof"), 1)).isEqualTo(ours);
    assertThat(ClassHistograms.viaListener(dir.resolve("dump.hprof"), 3)).isEqualTo(ours);
    assertThat(ClassHistograms.parallel(dir.resolve("dump.hprof"), 1, 4096, true)).isEqualTo(ours);
    assertThat(ClassHistograms.parallel(dir.resolve("dump.hprof"), 2, 4096, false))
        .isEqualTo(ClassHistograms.viaListener(dir.resolve("dump.hprof"), 2));
    try (var in = java.nio.file.Files.newInputStream(dir.resolve("dump.hprof"))) {
      assertThat(ClassHistograms.of(in)).isEqualTo(ours);
    }
    assertThat(jdk.keySet().stream().filter(n -> n.startsWith(APP)))
        .contains(
            APP + "Order",
            APP + "Order$Line",
            APP + "Order$Line[]",
            APP + "Order[][]",
            APP + "Order[]",
            APP + "Cache$Entry",
            APP + "Point",
            APP + "Plugin");
    Map<String, long[]> oursByName = new HashMap<>();
    for (ClassStats e : ours.entries()) {
      // Same-named classes from two loaders are separate lines on both sides; compare sums.
      String name = e.className().replaceAll(" \\(loader #\\d+\\)$", "");
      long[] line = oursByName.computeIfAbsent(name, k -> new long[2]);
      line[0] += e.instances();
      line[1] += e.shallowBytes();
    }
    for (Map.Entry<String, long[]> e : jdk.entrySet()) {
      if (!e.getKey().startsWith(APP)) {
        continue;
      }
      long[] line = oursByName.get(e.getKey());
      assertThat(line).as("class %s missing from our histogram", e.getKey()).isNotNull();
      assertThat(line[0]).as("instances of %s", e.getKey()).isEqualTo(e.getValue()[0]);
      assertThat(line[1]).as("shallow bytes of %s", e.getKey()).isEqualTo(e.getValue()[1]);
    }
    assertThat(jdk.get(APP + "Order")[0]).isEqualTo(1234);
    assertThat(ours.duplicateClasses()).containsExactly(APP + "Plugin");
    assertThat(ours.get(APP + "Plugin (loader #2)")).isPresent();
    // Arrays by element type, as Java programmers write them.
    assertThat(ours.get("byte[]")).isPresent();
    assertThat(ours.get("java.lang.String")).isPresent();
    assertThat(ours.get("java.lang.Object[]")).isPresent();
  }

  /** Class name (Java form) → {instances, bytes}; same-named lines are summed. */
  static Map<String, long[]> parseJdkHistogram(String text) {
    Map<String, long[]> result = new HashMap<>();
    Matcher m = LINE.matcher(text);
    while (m.find()) {
      String name = ClassNames.toJava(m.group(3));
      long[] line = result.computeIfAbsent(name, k -> new long[2]);
      line[0] += Long.parseLong(m.group(1));
      line[1] += Long.parseLong(m.group(2));
    }
    return result;
  }
}
