package io.heapfleet.analysis.v8;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code heap-fixture.js} (test resources) in a real Node.js process, which builds a known
 * heap and writes V8 heap snapshots of it with {@code v8.writeHeapSnapshot}. Tests that need it are
 * skipped, saying why, when no {@code node} is installed.
 */
final class NodeFixture {
  private NodeFixture() {}

  /** The node binary: {@code /usr/bin/node} or the first {@code node} on the PATH. */
  static Optional<Path> node() {
    List<Path> candidates = new ArrayList<>();
    candidates.add(Path.of("/usr/bin/node"));
    String pathVar = System.getenv("PATH");
    if (pathVar != null) {
      for (String d : pathVar.split(java.io.File.pathSeparator)) {
        if (!d.isEmpty()) {
          candidates.add(Path.of(d, "node"));
        }
      }
    }
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }

  /** Skips the calling test when Node.js is missing; returns the binary otherwise. */
  static Path requireNode() {
    Optional<Path> node = node();
    assumeTrue(
        node.isPresent(),
        "Node.js is not installed (no /usr/bin/node, no node on the PATH): these tests read"
            + " snapshots that a real Node process writes");
    return node.get();
  }

  /**
   * Runs one fixture mode, writing {@code dir/MODE-0.heapsnapshot} .. {@code MODE-(count-1)}, and
   * returns those paths in order.
   */
  static List<Path> snapshots(Path dir, String mode, int count, int n)
      throws IOException, InterruptedException {
    Path node = requireNode();
    Path script = dir.resolve("heap-fixture.js");
    if (!Files.exists(script)) {
      try (InputStream in = NodeFixture.class.getResourceAsStream("/v8/heap-fixture.js")) {
        Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Path log = dir.resolve(mode + ".log");
    Process p =
        new ProcessBuilder(
                node.toString(),
                script.toString(),
                dir.toString(),
                mode,
                Integer.toString(count),
                Integer.toString(n))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("node " + mode + " did not finish in 180 s");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          "node " + mode + " exited " + p.exitValue() + ": " + Files.readString(log));
    }
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Path s = dir.resolve(mode + "-" + i + ".heapsnapshot");
      if (!Files.isRegularFile(s)) {
        throw new IllegalStateException("node " + mode + " wrote no " + s);
      }
      out.add(s);
    }
    return out;
  }
}
