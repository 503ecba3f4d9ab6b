package io.heapfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/** Every command's {@code --help} reads well in an 80-column terminal and prints no warning. */
class HelpTextTest {

  static Stream<String> commands() {
    List<String> names = new ArrayList<>();
    names.add("");
    names.addAll(HeapfleetCommand.newCommandLine().getSubcommands().keySet());
    return names.stream();
  }

  @ParameterizedTest(name = "heapfleet {0} --help")
  @MethodSource("commands")
  void helpFitsEightyColumnsWithoutOrphansOrWarnings(String command) {
    CliRun run = command.isEmpty() ? CliRun.run("--help") : CliRun.run(command, "--help");

    assertThat(run.exitCode).as("%s", run).isZero();
    assertThat(run.err).as("stderr of %s", run).isEmpty();
    List<String> lines = run.out.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      assertThat(line.length()).as("line %d is over 80 columns: '%s'", i + 1, line).isLessThan(81);
      boolean insideParagraph =
          i > 0 && i + 1 < lines.size() && isProse(lines.get(i - 1)) && isProse(lines.get(i + 1));
      if (insideParagraph && isProse(line)) {
        assertThat(line.trim().split("\\s+"))
            .as("orphan line %d inside a paragraph: '%s'", i + 1, line)
            .hasSizeGreaterThan(2);
      }
    }
  }

  @ParameterizedTest(name = "heapfleet {0}: literal lines")
  @MethodSource("commands")
  void literalLinesAndExamplesFitSeventyEightColumns(String command) {
    CommandLine top = HeapfleetCommand.newCommandLine();
    CommandLine cmd = command.isEmpty() ? top : top.getSubcommands().get(command);
    UsageMessageSpec usage = cmd.getCommandSpec().usageMessage();
    // picocli wraps a literal line that is too long, which breaks a copied example mid-token.
    Stream.concat(Arrays.stream(usage.description()), Arrays.stream(usage.footer()))
        .filter(line -> line.startsWith(" "))
        .map(line -> line.replace("%%", "%"))
        .forEach(line -> assertThat(line.length()).as("'%s'", line).isLessThanOrEqualTo(78));
  }

  @Test
  void paragraphsAreJoinedAndIndentedLinesKept() {
    String[] joined =
        HelpParagraphs.join(
            new String[] {
              "", "One paragraph", "in two lines.", "", "  literal line", "Next", "  kept", "end"
            });

    assertThat(joined)
        .containsExactly(
            "", "One paragraph in two lines.", "", "  literal line", "Next", "  kept", "end");
  }

  /** A line of running text: not empty, not an indented example or an option row. */
  private static boolean isProse(String line) {
    return !line.isBlank() && !line.startsWith(" ");
  }
}
