package io.heapfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code trend --deep} and {@code diff --deep} on real heap dumps of this test JVM, taken while
 * {@link Order}s with 4 KB payloads pile up in the static list {@link #ORDERS}: 1,000 more before
 * each of three dumps.
 */
class DeepTrendDiffCommandTest {
  /** The leaking domain class: each holds a payload. */
  static final class Order {
    final byte[] payload = new byte[4096];
  }

  static final List<Order> ORDERS = new ArrayList<>();
  static final String ORDER = Order.class.getName();
  static Path dir;
  static Path[] dumps = new Path[3];

  @BeforeAll
  static void takeDumps() throws Exception {
    dir = Files.createTempDirectory("heapfleet-deep-cli");
    dumps =
        SelfDumps.take(
            dir,
            3,
            () -> {
              for (int k = 0; k < 1000; k++) {
                ORDERS.add(new Order());
              }
            },
            1100); // distinct dump time stamps
  }

  @AfterAll
  static void deleteDumps() throws Exception {
    SelfDumps.delete(dir);
  }

  private static String[] args(String... first) {
    List<String> a = new ArrayList<>(List.of(first));
    for (Path d : dumps) {
      a.add(d.toString());
    }
    return a.toArray(String[]::new);
  }

  @Test
  void trendDeepNamesTheOwnerRetainedBytesAndPathOfEachSuspect() {
    CliRun json = CliRun.run(args("trend", "--deep", "--format", "json"));
    assertThat(json.exitCode).as(json.toString()).isZero();
    // byte[] grows under Order; Order grows under the static list of this test class.
    assertThat(json.out)
        .contains("\"assessment\": \"leaking\"")
        .contains("\"owner\": \"" + ORDER + "\"")
        .contains("\"retainedBytes\": ")
        .contains("\"path\": [")
        .contains("static " + DeepTrendDiffCommandTest.class.getName() + ".ORDERS")
        .contains(ORDER + ".payload")
        .contains("\"owner\": \"" + DeepTrendDiffCommandTest.class.getName() + "\"");

    // Owner first: byte[] grows fastest, but the growth is the Orders' and the static list's.
    String holder = "static " + DeepTrendDiffCommandTest.class.getName() + ".ORDERS";
    assertThat(json.out)
        .contains("\"owners\": [")
        .contains("\"owner\": \"" + ORDER + "\",\n      \"holder\": \"" + holder + "\"");
    assertThat(json.out.indexOf("\"owners\": [")).isLessThan(json.out.indexOf("\"suspects\": ["));

    CliRun text = CliRun.run(args("trend", "--deep"));
    assertThat(text.exitCode).as(text.toString()).isZero();
    assertThat(text.out.lines().findFirst().orElseThrow())
        // The accumulation point: the static list the Orders pile up in.
        .startsWith("LEAKING: " + holder + " (java.util.ArrayList, +1,000 entries/dump): +")
        // What accumulates: the Orders (in lockstep with their byte[]s, so ranked with them).
        .contains("(" + ORDER.substring(ORDER.lastIndexOf('.') + 1) + ", byte[]");
    assertThat(text.out)
        .contains("Growth by owner (newest dump analysed deeply):")
        .contains("Who holds them (newest dump):")
        .contains("byte[]: held by " + ORDER + ", retaining ")
        .contains("Next: heapfleet retainers " + dumps[2] + " --class '" + ORDER + "'");

    CliRun md = CliRun.run(args("trend", "--deep", "--format", "md"));
    assertThat(md.exitCode).as(md.toString()).isZero();
    assertThat(md.out)
        .contains("### Who holds them")
        .contains("held by `" + ORDER + "`")
        .contains("**`" + holder + "` (java.util.ArrayList, +1,000 entries/dump): +")
        .contains("### Growth by owner");

    // Without --deep: no owner fields at all.
    CliRun plain = CliRun.run(args("trend", "--format", "json"));
    assertThat(plain.out).contains("\"assessment\": \"leaking\"").doesNotContain("\"owner\"");
  }

  @Test
  void diffDeepAddsRetainedSizeDeltas() {
    CliRun json =
        CliRun.run("diff", dumps[0].toString(), dumps[2].toString(), "--deep", "--format", "json");
    assertThat(json.exitCode).as(json.toString()).isZero();
    assertThat(json.out)
        .contains("\"baseRetainedBytes\": ")
        .contains("\"currentRetainedBytes\": ")
        .contains("\"retained\": [");
    // 2,000 more Orders retain at least 2,000 × 4 KB more between the first and the last dump.
    int at = json.out.indexOf("\"class\": \"" + ORDER + "\"", json.out.indexOf("\"retained\": ["));
    assertThat(at).as(json.out).isPositive();
    String entry = json.out.substring(at, json.out.indexOf('}', at));
    long delta = Long.parseLong(entry.replaceAll("(?s).*\"retainedBytesDelta\": (-?\\d+).*", "$1"));
    assertThat(delta).as(entry).isGreaterThanOrEqualTo(2000L * 4096);

    CliRun text = CliRun.run("diff", dumps[0].toString(), dumps[2].toString(), "--deep");
    assertThat(text.exitCode).as(text.toString()).isZero();
    assertThat(text.out).contains("Retained size (deep):").contains(ORDER);

    CliRun plain = CliRun.run("diff", dumps[0].toString(), dumps[2].toString(), "--format", "json");
    assertThat(plain.out).doesNotContain("RetainedBytes");
  }

  @Test
  void deepNeedsADumpNotASummary() throws Exception {
    Path summary = dir.resolve("summary.json");
    Files.writeString(
        summary, CliRun.run("histo", dumps[2].toString(), "--format", "json", "--top", "0").out);
    CliRun run =
        CliRun.run("diff", dumps[0].toString(), summary.toString(), "--deep", "--format", "json");
    assertThat(run.exitCode).as(run.toString()).isEqualTo(2);
    assertThat(run.err).contains("--deep needs heap dumps");
  }
}
