package io.heapfleet.analysis.retainer;

import io.heapfleet.testsupport.JavaCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/** Runs {@link LeakFixtures} in a child JVM and returns the heap dump it wrote. */
final class RealDumps {
  private static final Map<String, Path> CACHE = new HashMap<>();
  private static Path cacheDir;

  private RealDumps() {}

  /**
   * The dump of {@code scenario}, made once per test JVM and shared by the test classes (a child
   * JVM per dump is the slow part); the files are deleted when the test JVM exits.
   */
  static synchronized Path shared(String scenario) throws IOException, InterruptedException {
    if (cacheDir == null) {
      cacheDir = Files.createTempDirectory("heapfleet-deep-test-");
      Path dir = cacheDir;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try (var files = Files.walk(dir)) {
                      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    } catch (IOException e) {
                      // best effort in a shutdown hook
                    }
                  }));
    }
    Path dump = CACHE.get(scenario);
    if (dump == null) {
      dump = dump(scenario, cacheDir);
      CACHE.put(scenario, dump);
    }
    return dump;
  }

  static Path dump(String scenario, Path dir) throws IOException, InterruptedException {
    Path file = dir.resolve(scenario + ".hprof");
    JavaCommand.withHeap("64m")
        .small()
        .main(LeakFixtures.class)
        .args(scenario, file.toString())
        .process("leak fixture '" + scenario + "'")
        .logTo(dir.resolve(scenario + ".log"))
        .run(Duration.ofSeconds(60));
    if (!Files.exists(file)) {
      throw new IllegalStateException("leak fixture '" + scenario + "' wrote no " + file);
    }
    return file;
  }
}
