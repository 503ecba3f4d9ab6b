package io.heapfleet.cli.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo's Node.js task: {@code examples/leaky-node/app.js} under the Node agent's preload
 * ({@code agent-node/register.js}), memoizing quotes with unique keys, so a mixed fleet shows a
 * Node.js leak and its owner next to the JVM tasks. Runs only where {@code node} 18+ is on the
 * PATH. Stateless.
 */
public final class NodeTask {
  /**
   * Quotes the app memoizes per capture interval: about 0.5 MB of heap per interval, less than the
   * JVM leak, so the JVM task stays the fleet's fastest grower (the one the report is about).
   */
  static final int QUOTES_PER_INTERVAL = 4_000;

  private static final Pattern VERSION = Pattern.compile("^v(\\d+)\\.");
  private static final long TICK_MS = 100;

  private NodeTask() {}

  /** Why the demo cannot start a Node.js task here, or empty when it can. */
  public static Optional<String> unavailable(ProjectLayout layout) {
    for (Path p : List.of(register(layout), app(layout))) {
      if (!Files.isRegularFile(p)) {
        return Optional.of(layout.root().relativize(p) + " is missing");
      }
    }
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.of("`node --version` did not answer");
      }
      Matcher m = VERSION.matcher(v);
      if (p.exitValue() != 0 || !m.find()) {
        return Optional.of("`node --version` failed");
      }
      if (Integer.parseInt(m.group(1)) < 18) {
        return Optional.of("node " + v + " is older than 18");
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("node (Node.js 18 or later) is not on the PATH");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted while looking for node");
    }
  }

  /** The command that runs the app with the agent's preload. */
  static List<String> command(ProjectLayout layout) {
    return List.of("node", "--require", register(layout).toString(), app(layout).toString());
  }

  /** The app's pace: {@value #QUOTES_PER_INTERVAL} new quotes per capture interval. */
  static Map<String, String> env(Duration interval) {
    long ticks = Math.max(1, interval.toMillis() / TICK_MS);
    long rate = Math.max(1, QUOTES_PER_INTERVAL / ticks);
    return Map.of(
        // the preload is on the command line; one inherited from the shell would load it twice
        "NODE_OPTIONS",
        "",
        "LEAK_MODE",
        "memoize",
        "LEAK_RATE",
        Long.toString(rate),
        "LEAK_INTERVAL_MS",
        Long.toString(TICK_MS));
  }

  private static Path register(ProjectLayout layout) {
    return layout.root().resolve("agent-node/register.js");
  }

  private static Path app(ProjectLayout layout) {
    return layout.root().resolve("examples/leaky-node/app.js");
  }
}
