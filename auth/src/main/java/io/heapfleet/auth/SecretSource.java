package io.heapfleet.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads the shared secret from where deployments keep it: an environment variable or a file (a
 * mounted Kubernetes/ECS secret, typically with a trailing newline, which is ignored).
 *
 * <p>The conventional names are {@link #ENV_SECRET} and {@link #ENV_SECRET_FILE}; {@link
 * #fromEnvironment} tries them in that order. Stateless and thread-safe.
 */
public final class SecretSource {

  /** Environment variable holding the secret itself. */
  public static final String ENV_SECRET = "HEAPFLEET_SECRET";

  /** Environment variable holding the path of a file that contains the secret. */
  public static final String ENV_SECRET_FILE = "HEAPFLEET_SECRET_FILE";

  private SecretSource() {}

  /**
   * Reads the secret from a file; one trailing line break ({@code \n} or {@code \r\n}) is ignored,
   * as {@code echo secret > file} adds one.
   */
  public static Secret fromFile(Path file, boolean allowWeak) {
    String content;
    try {
      content = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new SecretException("secret file " + file + " does not exist");
    } catch (IOException e) {
      throw new SecretException("cannot read secret file " + file + ": " + e.getClass().getName());
    }
    String value = stripTrailingNewline(content);
    if (value.isEmpty()) {
      throw new SecretException("secret file " + file + " is empty");
    }
    try {
      return Secret.of(value, allowWeak);
    } catch (SecretException e) {
      throw new SecretException("secret file " + file + ": " + e.getMessage());
    }
  }

  /** Reads the secret from the named environment variable (from {@code env}). */
  public static Secret fromEnv(String variable, Map<String, String> env, boolean allowWeak) {
    String value = env.get(variable);
    if (value == null || value.isEmpty()) {
      throw new SecretException("environment variable " + variable + " is not set");
    }
    try {
      return Secret.of(stripTrailingNewline(value), allowWeak);
    } catch (SecretException e) {
      throw new SecretException("environment variable " + variable + ": " + e.getMessage());
    }
  }

  /**
   * The conventional lookup: {@code HEAPFLEET_SECRET}, else the file named by {@code
   * HEAPFLEET_SECRET_FILE}.
   *
   * @throws SecretException naming both variables when neither is set
   */
  public static Secret fromEnvironment(Map<String, String> env, boolean allowWeak) {
    if (notBlank(env.get(ENV_SECRET))) {
      return fromEnv(ENV_SECRET, env, allowWeak);
    }
    if (notBlank(env.get(ENV_SECRET_FILE))) {
      return fromFile(Path.of(env.get(ENV_SECRET_FILE)), allowWeak);
    }
    throw new SecretException("no secret configured: set " + ENV_SECRET + " or " + ENV_SECRET_FILE);
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  static String stripTrailingNewline(String s) {
    if (s.endsWith("\r\n")) {
      return s.substring(0, s.length() - 2);
    }
    if (s.endsWith("\n")) {
      return s.substring(0, s.length() - 1);
    }
    return s;
  }
}
