package io.heapfleet.cli;

import java.util.Map;

/**
 * The process environment as commands see it. Tests replace it to exercise the env-var paths
 * without touching the real environment. Not thread-safe to replace; commands only read it.
 */
public final class CliEnvironment {
  private static volatile Map<String, String> env = System.getenv();

  private CliEnvironment() {}

  /** The environment variables commands read. */
  public static Map<String, String> get() {
    return env;
  }

  /** Replaces the environment (tests only); returns the previous one to restore. */
  static Map<String, String> replace(Map<String, String> replacement) {
    Map<String, String> previous = env;
    env = replacement;
    return previous;
  }
}
