package io.heapfleet.cli;

import io.heapfleet.auth.HourlyToken;
import io.heapfleet.endpoint.client.DumpRequest;
import picocli.CommandLine.Option;

/**
 * The options of the commands that ask one task's {@code /heapdump} for something ({@code fetch},
 * {@code stats}), as a picocli mixin: how many requests a pinned request may take, and the token
 * scope. Not thread-safe (picocli fills it once per run).
 */
final class TaskRequestOptions {
  @Option(
      names = "--max-attempts",
      paramLabel = "N",
      defaultValue = "" + DumpRequest.DEFAULT_MAX_ATTEMPTS,
      description =
          "With --task: how many requests to try before giving up. Default: ${DEFAULT-VALUE}.")
  private int maxAttempts;

  @Option(
      names = "--scope",
      paramLabel = "SCOPE",
      defaultValue = HourlyToken.DEFAULT_SCOPE,
      description = "The token scope; must match the endpoint's. Default: ${DEFAULT-VALUE}.")
  private String scope;

  /** {@code --max-attempts}; bad input unless 1..1000. */
  int maxAttempts() {
    if (maxAttempts < 1 || maxAttempts > 1000) {
      throw UserException.badInput("--max-attempts must be 1..1000, was " + maxAttempts);
    }
    return maxAttempts;
  }

  /** {@code --scope}. */
  String scope() {
    return scope;
  }
}
