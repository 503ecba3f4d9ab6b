package io.heapfleet.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * Turns the descriptions and footers of every command into one string per paragraph, so that
 * picocli wraps them at the terminal's width.
 *
 * <p>Help text is written in the source as short lines that fit the formatter's line length.
 * picocli prints every array element on a line of its own and wraps each at the usage width, so a
 * source line a little longer than the terminal leaves a one-word orphan behind it. Here a
 * paragraph is a run of non-empty lines that start in column one; they are joined with single
 * spaces. Empty lines separate paragraphs, and lines that start with white space (examples, literal
 * text) are kept exactly as written.
 *
 * <p>Not thread-safe; call it once on a new command line, before it parses or prints anything.
 */
final class HelpParagraphs {
  private HelpParagraphs() {}

  /** Re-flows the help of {@code commandLine} and of all its subcommands. */
  static void reflow(CommandLine commandLine) {
    UsageMessageSpec usage = commandLine.getCommandSpec().usageMessage();
    usage.description(join(usage.description()));
    usage.footer(join(usage.footer()));
    for (CommandLine sub : commandLine.getSubcommands().values()) {
      reflow(sub);
    }
  }

  /** Joins each paragraph of {@code lines} into one string; keeps empty and indented lines. */
  static String[] join(String[] lines) {
    List<String> out = new ArrayList<>();
    StringBuilder paragraph = null;
    for (String line : lines) {
      boolean prose = !line.isEmpty() && !Character.isWhitespace(line.charAt(0));
      if (prose && paragraph != null) {
        paragraph.append(' ').append(line.strip());
        continue;
      }
      if (paragraph != null) {
        out.add(paragraph.toString());
        paragraph = null;
      }
      if (prose) {
        paragraph = new StringBuilder(line.strip());
      } else {
        out.add(line);
      }
    }
    if (paragraph != null) {
      out.add(paragraph.toString());
    }
    return out.toArray(new String[0]);
  }
}
