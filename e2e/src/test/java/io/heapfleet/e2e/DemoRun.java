package io.heapfleet.e2e;

import io.heapfleet.testsupport.ChildProcess;
import io.heapfleet.testsupport.JavaCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code heapfleet demo} run exactly as a user runs it: the shaded CLI jar in its own JVM (a {@link
 * ChildProcess}, so its stdout and stderr are kept line by line), with every descendant process
 * remembered (sampled while it runs) so a test can prove that none is left afterwards. Not
 * thread-safe; one per test.
 */
final class DemoRun implements AutoCloseable {
  static final Path HOME =
      Path.of(System.getProperty("heapfleet.home", "..")).toAbsolutePath().normalize();
  static final Path TARGET =
      Path.of(System.getProperty("heapfleet.e2e.target", "target")).toAbsolutePath().normalize();

  private static final Pattern PORT = Pattern.compile("(?:port |127\\.0\\.0\\.1:)(\\d{2,5})");

  final Process process;
  final Map<Long, ProcessHandle> seen = Collections.synchronizedMap(new LinkedHashMap<>());
  private final ChildProcess child;
  private final Thread sampler;
  private int stdoutRead;

  private DemoRun(ChildProcess child) {
    this.child = child;
    this.process = child.process();
    sampler =
        new Thread(
            () -> {
              while (process.isAlive()) {
                process.descendants().forEach(h -> seen.putIfAbsent(h.pid(), h));
                try {
                  Thread.sleep(200);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "demo-descendants");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** Starts {@code heapfleet demo ARGS} from the project's built jar. */
  static DemoRun start(Path dataDir, String... args) throws IOException {
    Path jar = HOME.resolve("cli/target/heapfleet.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " is missing: build it with `mvn -B -q package -pl cli -am -DskipTests`");
    }
    List<String> demo = new ArrayList<>(List.of("demo", "--data-dir", dataDir.toString()));
    demo.addAll(List.of(args));
    return new DemoRun(
        JavaCommand.withDefaultHeap()
            .options("-Dheapfleet.home=" + HOME)
            .jar(jar)
            .args(demo)
            .process("demo")
            .directory(TARGET)
            .start());
  }

  /** The next stdout line, waiting up to {@code seconds}; fails with the output so far if none. */
  String nextStdoutLine(long seconds) throws InterruptedException {
    String line = child.awaitStdoutLine(stdoutRead, Duration.ofSeconds(seconds));
    stdoutRead++;
    return line;
  }

  /** The first stderr line containing {@code text}, waiting up to {@code seconds}. */
  String awaitStderr(String text, long seconds) throws InterruptedException {
    return child
        .awaitLine(Pattern.compile(".*" + Pattern.quote(text) + ".*"), Duration.ofSeconds(seconds))
        .group();
  }

  /** Every 127.0.0.1 port the demo reported (with --verbose: tasks, load balancer, collector). */
  List<Integer> reportedPorts() {
    List<Integer> ports = new ArrayList<>();
    Matcher m = PORT.matcher(child.stderr());
    while (m.find()) {
      int p = Integer.parseInt(m.group(1));
      if (!ports.contains(p)) {
        ports.add(p);
      }
    }
    return ports;
  }

  String stderrText() {
    return child.stderr();
  }

  @Override
  public void close() {
    sampler.interrupt();
    if (process.isAlive()) {
      process.destroy(); // SIGTERM first: the demo's shutdown hooks stop what it started
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    child.close();
    // Belt and braces for a failed test: never leave a JVM behind on the CI machine.
    synchronized (seen) {
      seen.values()
          .forEach(
              h -> {
                if (h.isAlive()) {
                  h.destroyForcibly();
                }
              });
    }
  }
}
