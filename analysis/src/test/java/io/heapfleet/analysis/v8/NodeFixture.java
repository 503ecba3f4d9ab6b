package io.heapfleet.analysis.v8;

import io.heapfleet.testsupport.ChildProcess;
import io.heapfleet.testsupport.NodeRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code heap-fixture.js} (test resources) in a real Node.js process, which builds a known
 * heap and writes V8 heap snapshots of it with {@code v8.writeHeapSnapshot}. Tests that need it are
 * skipped, saying why, when no {@code node} is installed.
 */
final class NodeFixture {
  private NodeFixture() {}

  /** Skips the calling test when Node.js is missing; returns the binary otherwise. */
  static Path requireNode() {
    return NodeRuntime.require();
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
    ChildProcess.command(
            List.of(
                node.toString(),
                script.toString(),
                dir.toString(),
                mode,
                Integer.toString(count),
                Integer.toString(n)))
        .name("node " + mode)
        .logTo(dir.resolve(mode + ".log"))
        .run(Duration.ofSeconds(180));
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
