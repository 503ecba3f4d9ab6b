package io.heapfleet.analysis.retainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
    Path classes =
        Path.of(LeakFixtures.class.getProtectionDomain().getCodeSource().getLocation().getPath());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = dir.resolve(scenario + ".log");
    Process p =
        new ProcessBuilder(
                java,
                "-Xmx64m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                classes.toString(),
                LeakFixtures.class.getName(),
                scenario,
                file.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("leak fixture '" + scenario + "' did not finish in 60 s");
      }
      if (p.exitValue() != 0 || !Files.exists(file)) {
        throw new IllegalStateException(
            "leak fixture '"
                + scenario
                + "' failed with exit code "
                + p.exitValue()
                + ": "
                + Files.readString(log, StandardCharsets.UTF_8));
      }
      return file;
    } finally {
      p.destroyForcibly();
    }
  }
}
