package io.heapfleet.cli;

/**
 * What {@code --format} selects wherever a command prints a result: text for people, JSON for
 * machines (the fields docs/analysis.md fixes), Markdown for tickets. A command that has no
 * Markdown form says so when asked ({@link #requireTextOrJson}).
 */
enum OutputFormat {
  text,
  json,
  md;

  /** The help line of a {@code --format} option. */
  static final String DESCRIPTION =
      "text, json or md (md where the result has a Markdown form: histo, diff, trend). Default:"
          + " ${DEFAULT-VALUE}.";

  /** Fails as bad input for a command that prints text or JSON only. */
  OutputFormat requireTextOrJson(String command) {
    if (this == md) {
      throw UserException.badInput(textOrJsonOnly(command, name()));
    }
    return this;
  }

  /** The one message for a {@code --format} that a text-or-JSON command cannot print. */
  static String textOrJsonOnly(String command, String value) {
    return "--format must be text or json, was '"
        + value
        + "': "
        + command
        + " prints text or json";
  }
}
