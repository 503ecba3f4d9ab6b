package io.heapfleet.analysis.retainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs {@link LeakFixtures} in a child JVM and returns the heap dump it wrote. */
final class RealDumps {
  private RealDumps() {}

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
