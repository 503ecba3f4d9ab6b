package io.heapfleet.testsupport;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Node.js binary the Node tests use: {@code /usr/bin/node} or the first {@code node} on the
 * {@code PATH}, if it is version 18 or later. Tests call {@link #require()}, which skips them,
 * saying why, on a machine without it. Thread-safe.
 */
public final class NodeRuntime {
  private static final int MIN_MAJOR = 18;
  private static volatile Optional<Path> found;

  private NodeRuntime() {}

  /** The node binary, if one of version 18 or later is installed. */
  public static Optional<Path> find() {
    Optional<Path> f = found;
    if (f == null) {
      f = candidates().stream().filter(NodeRuntime::recentEnough).findFirst();
      found = f;
    }
    return f;
  }

  /** The node binary; skips the calling test (JUnit assumption) when there is none. */
  public static Path require() {
    Optional<Path> node = find();
    assumeTrue(
        node.isPresent(),
        "Node.js "
            + MIN_MAJOR
            + "+ is not installed (no /usr/bin/node, no node on the PATH): this test runs a real"
            + " Node process");
    return node.get();
  }

  private static List<Path> candidates() {
    List<Path> candidates = new ArrayList<>();
    candidates.add(Path.of("/usr/bin/node"));
    String pathVar = System.getenv("PATH");
    if (pathVar != null) {
      for (String d : pathVar.split(File.pathSeparator)) {
        if (!d.isEmpty()) {
          candidates.add(Path.of(d, "node"));
        }
      }
    }
    candidates.removeIf(p -> !Files.isExecutable(p));
    return candidates;
  }

  private static boolean recentEnough(Path node) {
    try {
      Process p =
          new ProcessBuilder(node.toString(), "--version").redirectErrorStream(true).start();
      String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return false;
      }
      Matcher m = Pattern.compile("^v(\\d+)\\.").matcher(v);
      return m.find() && Integer.parseInt(m.group(1)) >= MIN_MAJOR;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
