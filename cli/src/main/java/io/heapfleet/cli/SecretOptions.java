package io.heapfleet.cli;

import io.heapfleet.auth.Secret;
import io.heapfleet.auth.SecretSource;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where a command finds the shared secret (a picocli mixin): {@code --secret-file}, {@code
 * --secret-env}, or by default {@code HEAPFLEET_SECRET} / {@code HEAPFLEET_SECRET_FILE}. There is
 * deliberately no flag that takes the secret itself: it would end up in shell history and {@code
 * ps}.
 */
public final class SecretOptions {

  @Option(
      names = "--secret-file",
      paramLabel = "FILE",
      description = "Read the shared secret from FILE (one trailing newline is ignored).")
  Path secretFile;

  @Option(
      names = "--secret-env",
      paramLabel = "VAR",
      description =
          "Read the shared secret from environment variable VAR."
              + " Default: HEAPFLEET_SECRET, else the file named by HEAPFLEET_SECRET_FILE.")
  String secretEnv;

  @Option(
      names = "--allow-weak-secret",
      description =
          "Accept a secret shorter than 32 bytes (for existing deployments that use one).")
  boolean allowWeakSecret;

  /** Loads the secret; {@code env} is the process environment (a parameter for tests). */
  public Secret load(Map<String, String> env) {
    if (secretFile != null && secretEnv != null) {
      throw UserException.badInput("give either --secret-file or --secret-env, not both");
    }
    if (secretFile != null) {
      return SecretSource.fromFile(secretFile, allowWeakSecret);
    }
    if (secretEnv != null) {
      return SecretSource.fromEnv(secretEnv, env, allowWeakSecret);
    }
    return SecretSource.fromEnvironment(env, allowWeakSecret);
  }
}
