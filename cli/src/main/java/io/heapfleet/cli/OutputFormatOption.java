package io.heapfleet.cli;

import java.util.Arrays;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The {@code --format} option of every command that prints a result, as a picocli mixin: {@code
 * text}, {@code json} or {@code md}. The value is checked when the command runs, so that a command
 * printing text or JSON only ({@link #requireTextOrJson}) refuses any other value with the same
 * message. Not thread-safe (picocli fills it once per run).
 */
final class OutputFormatOption {
  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = OutputFormat.DESCRIPTION,
      defaultValue = "text")
  String format;

  /** The selected format; bad input unless text, json or md. */
  OutputFormat get() {
    return parse()
        .orElseThrow(
            () ->
                UserException.badInput("--format must be text, json or md, was '" + format + "'"));
  }

  /** The selected format, for a command that prints text or JSON only; bad input otherwise. */
  OutputFormat requireTextOrJson(String command) {
    return parse()
        .orElseThrow(() -> UserException.badInput(OutputFormat.textOrJsonOnly(command, format)))
        .requireTextOrJson(command);
  }

  private Optional<OutputFormat> parse() {
    return Arrays.stream(OutputFormat.values()).filter(f -> f.name().equals(format)).findFirst();
  }
}
