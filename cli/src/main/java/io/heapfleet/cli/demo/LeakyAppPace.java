package io.heapfleet.cli.demo;

import java.time.Duration;
import java.util.Map;

/**
 * How the example app allocates in the demo, tied to the capture interval: the leak keeps 256 KB a
 * second (the app's default) until 60% of its heap, and the plateau's cache (64 entries of 256 KB)
 * fills within about two intervals and then stays full, so after a few rounds the first is plainly
 * leaking and the second plainly flat, whatever pace the user picks. Stateless.
 */
final class LeakyAppPace {
  static final int PLATEAU_ENTRIES = 64;

  private LeakyAppPace() {}

  /** Extra environment for the example app in {@code mode}, given the capture interval. */
  static Map<String, String> env(String mode, Duration interval) {
    return switch (mode) {
      case "plateau" ->
          Map.of(
              "PLATEAU_ENTRIES", Integer.toString(PLATEAU_ENTRIES),
              "LEAK_RATE_KB", "256",
              "LEAK_INTERVAL_MS",
                  Long.toString(Math.max(10, interval.toMillis() * 2 / PLATEAU_ENTRIES)));
      case "leak" -> Map.of("LEAK_RATE_KB", "256", "LEAK_INTERVAL_MS", "1000");
      default -> Map.of();
    };
  }
}
