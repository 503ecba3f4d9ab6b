package io.heapfleet.cli;

import picocli.CommandLine.Option;

/** The {@code --format} option of the commands that print a result, as a picocli mixin. */
final class OutputFormatOption {
  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = OutputFormat.DESCRIPTION,
      defaultValue = "text")
  OutputFormat format;
}
