package io.heapfleet.cli;

import io.heapfleet.auth.HourlyToken;
import io.heapfleet.auth.Secret;
import io.heapfleet.auth.TokenVerifier;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code heapfleet token}: prints the hourly token that opens every task's /heapdump. */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    header = "Print the hourly token that opens /heapdump (or make a new secret).",
    description = {
      "",
      "The token is the lowercase hex HMAC-SHA256 of",
      "  {\"date\":\"<hour start, e.g. 2026-11-22T01:00:00.000Z>\",\"value\":\"<scope>\"}",
      "keyed with the shared secret. It changes every UTC hour; endpoints also accept the",
      "previous hour's token for 5 minutes after the hour turns, and the next hour's for",
      "2 minutes before it starts.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  heapfleet token --secret-file /run/secrets/heapfleet",
      "  heapfleet token --secret-env HEAPDUMP_SECRET --at 2026-11-22T01:37:00Z",
      "  heapfleet token --curl https://orders.example.com/heapdump",
      "  curl -fOJ -H \"Authorization: HeapDump $(heapfleet token)\" \"$TASK/heapdump\"",
      "  heapfleet token --new-secret > heapfleet.secret",
    })
final class TokenCommand implements Callable<Integer> {

  @Mixin SecretOptions secretOptions;
  @Mixin VerboseOption verbose;

  @Option(
      names = "--scope",
      paramLabel = "SCOPE",
      description = "What the token is for; must match the endpoint's. Default: ${DEFAULT-VALUE}.",
      defaultValue = HourlyToken.DEFAULT_SCOPE)
  String scope;

  @Option(
      names = "--at",
      paramLabel = "INSTANT",
      description =
          "Make the token for the hour containing INSTANT (ISO-8601, e.g."
              + " 2026-11-22T01:37:00Z) instead of now.")
  String at;

  @Option(
      names = "--curl",
      paramLabel = "URL",
      description =
          "Print a ready-to-paste curl command that downloads a dump from URL"
              + " (/heapdump is appended when URL has no path).")
  String curlUrl;

  @Option(
      names = "--new-secret",
      description =
          "Print a fresh random secret (256 bits as 64 hex characters) and exit."
              + " The hex string itself is the secret.")
  boolean newSecret;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Clock clock;

  TokenCommand() {
    this(Clock.systemUTC());
  }

  TokenCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (newSecret) {
      out.println(Secret.generate());
      return ExitCode.OK;
    }
    if (scope.isEmpty()) {
      throw UserException.badInput("--scope must not be empty");
    }
    Instant instant = at == null ? clock.instant() : parseInstant(at);
    Secret secret = secretOptions.load(CliEnvironment.get());
    String token = HourlyToken.compute(secret, scope, instant);
    if (curlUrl == null) {
      out.println(token);
    } else {
      out.println(curlCommand(heapdumpUrl(curlUrl), token));
    }
    if (verbose.verbose) {
      Instant hour = HourlyToken.hourStart(instant);
      PrintWriter err = spec.commandLine().getErr();
      err.printf(
          "token for %s, scope %s; valid %s to %s (+%d min grace)%n",
          hour, scope, hour, hour.plusSeconds(3600), TokenVerifier.DEFAULT_GRACE.toMinutes());
      err.flush();
    }
    return ExitCode.OK;
  }

  static Instant parseInstant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw UserException.badInput(
          "--at: cannot read '" + text + "' as an instant; use ISO-8601 like 2026-11-22T01:37:00Z");
    }
  }

  static String heapdumpUrl(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw UserException.badInput("--curl: '" + url + "' is not a URL");
    }
    if (uri.getScheme() == null || uri.getHost() == null) {
      throw UserException.badInput("--curl: '" + url + "' is not an http(s) URL with a host");
    }
    String path = uri.getRawPath();
    if (path == null || path.isEmpty() || path.equals("/")) {
      return url.replaceAll("/$", "") + "/heapdump";
    }
    return url;
  }

  static String curlCommand(String url, String token) {
    // -OJ saves under the endpoint's Content-Disposition name: <taskId>-<time>.hprof.gz
    return "curl -fSL --remote-name --remote-header-name -H 'Authorization: HeapDump "
        + token
        + "' '"
        + url.replace("'", "'\\''")
        + "'";
  }
}
