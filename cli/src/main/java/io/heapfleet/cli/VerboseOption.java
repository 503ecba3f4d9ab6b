package io.heapfleet.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The {@code --verbose} flag every subcommand shares (as a picocli mixin): stack traces on failure
 * and more detail on stderr. Never prints secrets or tokens.
 */
public final class VerboseOption {

  @Option(
      names = {"-v", "--verbose"},
      description = "Show details on stderr, and stack traces when something fails.")
  boolean verbose;

  /** Whether {@code --verbose} was given anywhere on the parsed command line. */
  static boolean isVerbose(CommandLine.ParseResult parseResult) {
    for (CommandLine.ParseResult p = parseResult; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }
}
