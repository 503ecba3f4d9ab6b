package io.heapfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.json.AnalysisJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * histo, diff and trend on real heap dumps of this test JVM, taken while a class of ours leaks:
 * 5,000 more {@link Leaked} objects before each of three dumps.
 */
class AnalysisCommandsTest {
  /** The class that leaks between the dumps. */
  static final class Leaked {
    final byte[] payload = new byte[100];
  }

  static final List<Object> LEAK = new ArrayList<>();
  static final String LEAKED = Leaked.class.getName();
  static Path dir;
  static Path[] dumps = new Path[3];

  @BeforeAll
  static void takeDumps() throws Exception {
    dir = Files.createTempDirectory("heapfleet-analysis-cli");
    dumps =
        SelfDumps.take(
            dir,
            3,
            () -> {
              for (int k = 0; k < 5000; k++) {
                LEAK.add(new Leaked());
              }
            },
            50);
  }

  @AfterAll
  static void deleteDumps() throws Exception {
    SelfDumps.delete(dir);
  }

  @Test
  void histoPrintsTheBiggestClassesAndTheNextCommand() {
    CliRun run = CliRun.run("histo", dumps[0].toString(), "--top", "5");
    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.out)
        .contains("objects,")
        .contains("instances")
        .contains("byte[]")
        .contains("more classes (--top 0 shows all)")
        .contains("Next: heapfleet diff " + dumps[0]);
  }

  @Test
  void histoJsonIsTheStoredSummaryForm() throws Exception {
    CliRun run = CliRun.run("histo", dumps[2].toString(), "--format", "json", "--top", "0");
    assertThat(run.exitCode).as(run.toString()).isZero();
    ClassHistogram h = AnalysisJson.readHistogram(run.out);
    assertThat(h.get(LEAKED).get().instances()).isEqualTo(15_000);
    assertThat(h.entries()).hasSize(h.classes());
    assertThat(run.out).contains("\"dump\": {").contains("\"idSize\": 8");
  }

  @Test
  void histoMarkdownIsATableOfTheClassesShownAndRetainersHasNone() {
    CliRun run = CliRun.run("histo", dumps[2].toString(), "--format", "md", "--top", "3");
    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.out)
        .startsWith("## Heap histogram of `" + dumps[2].getFileName() + "`")
        .contains("| # | Class | Instances | Shallow bytes | Heap |")
        .containsPattern("(?m)^\\| 3 \\| `[^`]+` \\|")
        .doesNotContainPattern("(?m)^\\| 4 \\|")
        .contains("more classes");

    CliRun retainers =
        CliRun.run("retainers", dumps[2].toString(), "--class", LEAKED, "--format", "md");
    assertThat(retainers.exitCode).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(retainers.err).contains("retainers prints text or json");
  }

  @Test
  void diffPutsTheGrowingClassNearTheTop() {
    CliRun run = CliRun.run("diff", dumps[0].toString(), dumps[1].toString(), "--top", "5");
    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.out).contains("+5,000").contains(LEAKED).contains("Next: heapfleet trend");
    CliRun json = CliRun.run("diff", dumps[0].toString(), dumps[1].toString(), "--format", "json");
    assertThat(json.out)
        .contains("\"class\": \"" + LEAKED + "\"")
        .contains("\"baseInstances\": 5000")
        .contains("\"currentInstances\": 10000")
        .contains("\"instancesDelta\": 5000");
    CliRun md = CliRun.run("diff", dumps[0].toString(), dumps[1].toString(), "--format", "md");
    assertThat(md.out).contains("## Heap diff").contains("`" + LEAKED + "`");
  }

  @Test
  void trendCallsTheLeakAndSuggestsRetainers() throws Exception {
    CliRun run = CliRun.run("trend", dumps[2].toString(), dumps[0].toString(), dumps[1].toString());
    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.out)
        .startsWith("LEAKING: ")
        .contains(LEAKED)
        // +5,000 per dump exactly: fitted over the dumps' positions, so the uneven moments at
        // which a loaded machine takes them do not matter.
        .contains("+5,000 ")
        .contains("Next: heapfleet retainers " + dumps[2]);

    // From stored summaries instead of dumps: the same verdict.
    List<String> args = new ArrayList<>(List.of("trend", "--format", "json"));
    for (int i = 0; i < dumps.length; i++) {
      Path summary = dir.resolve("summary-" + i + ".json");
      Files.writeString(
          summary, CliRun.run("histo", dumps[i].toString(), "--format", "json", "--top", "0").out);
      args.add(summary.toString());
    }
    CliRun json = CliRun.run(args.toArray(String[]::new));
    assertThat(json.exitCode).as(json.toString()).isZero();
    assertThat(json.out).contains("\"assessment\": \"leaking\"").contains("\"class\": \"" + LEAKED);
    CliRun md =
        CliRun.run(
            "trend",
            dumps[0].toString(),
            dumps[1].toString(),
            dumps[2].toString(),
            "--format",
            "md");
    assertThat(md.out).contains("## Heap trend: **leaking**");
  }

  @Test
  void badInputIsExitCodeTwoWithAClearMessage() throws Exception {
    CliRun missing = CliRun.run("histo", dir.resolve("nope.hprof").toString());
    assertThat(missing.exitCode).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(missing.err).contains("No such file");

    Path notADump = dir.resolve("notes.txt");
    Files.writeString(notADump, "hello");
    CliRun wrong = CliRun.run("diff", notADump.toString(), dumps[0].toString());
    assertThat(wrong.exitCode).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(wrong.err).contains("Not a heap dump");

    Path cut = dir.resolve("cut.hprof");
    byte[] bytes = Files.readAllBytes(dumps[0]);
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    CliRun truncated = CliRun.run("histo", cut.toString());
    assertThat(truncated.exitCode).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(truncated.err).contains("offset");

    CliRun badTop = CliRun.run("histo", dumps[0].toString(), "--top", "-1");
    assertThat(badTop.exitCode).isEqualTo(ExitCode.BAD_INPUT);

    CliRun badFormat = CliRun.run("histo", dumps[0].toString(), "--format", "yaml");
    assertThat(badFormat.exitCode).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(badFormat.err).contains("--format must be text, json or md, was 'yaml'");
    assertThat(badFormat.out).isEmpty();
  }
}
