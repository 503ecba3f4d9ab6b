package io.heapfleet.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code heapfleet demo} run exactly as a user runs it: the shaded CLI jar in its own JVM, with
 * stdout and stderr captured line by line, and every descendant process remembered (sampled while
 * it runs) so a test can prove that none is left afterwards. Not thread-safe; one per test.
 */
final class DemoRun implements AutoCloseable {
  static final Path HOME =
      Path.of(System.getProperty("heapfleet.home", "..")).toAbsolutePath().normalize();
  static final Path TARGET =
      Path.of(System.getProperty("heapfleet.e2e.target", "target")).toAbsolutePath().normalize();

  private static final Pattern PORT = Pattern.compile("(?:port |127\\.0\\.0\\.1:)(\\d{2,5})");

  final Process process;
  final List<String> stderr = Collections.synchronizedList(new ArrayList<>());
  final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
  final Map<Long, ProcessHandle> seen = Collections.synchronizedMap(new LinkedHashMap<>());
  private final Thread sampler;

  private DemoRun(Process process) {
    this.process = process;
    pump(process.getErrorStream(), stderr::add, "demo-stderr");
    pump(process.getInputStream(), stdout::add, "demo-stdout");
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
      throw new IllegalStateException(jar + " is missing: run `mvn -B install -DskipTests` first");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Dheapfleet.home=" + HOME);
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.add("demo");
    cmd.add("--data-dir");
    cmd.add(dataDir.toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(TARGET.toFile());
    return new DemoRun(pb.start());
  }

  /** The next stdout line, waiting up to {@code seconds}; fails with the stderr so far if none. */
  String nextStdoutLine(long seconds) throws InterruptedException {
    String line = stdout.poll(seconds, TimeUnit.SECONDS);
    if (line == null) {
      throw new AssertionError(
          "no stdout line from the demo within "
              + seconds
              + " s; alive="
              + process.isAlive()
              + "\n--- stderr\n"
              + String.join("\n", stderr));
    }
    return line;
  }

  /** The first stderr line containing {@code text}, waiting up to {@code seconds}. */
  String awaitStderr(String text, long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      synchronized (stderr) {
        for (String l : stderr) {
          if (l.contains(text)) {
            return l;
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "no '" + text + "' on stderr within " + seconds + " s:\n" + String.join("\n", stderr));
  }

  /** Every 127.0.0.1 port the demo reported (with --verbose: tasks, load balancer, collector). */
  List<Integer> reportedPorts() {
    List<Integer> ports = new ArrayList<>();
    synchronized (stderr) {
      for (String l : stderr) {
        Matcher m = PORT.matcher(l);
        while (m.find()) {
          int p = Integer.parseInt(m.group(1));
          if (!ports.contains(p)) {
            ports.add(p);
          }
        }
      }
    }
    return ports;
  }

  String stderrText() {
    synchronized (stderr) {
      return String.join("\n", stderr);
    }
  }

  @Override
  public void close() {
    sampler.interrupt();
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
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

  private static void pump(
      java.io.InputStream in, java.util.function.Consumer<String> sink, String name) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  sink.accept(line);
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            name);
    t.setDaemon(true);
    t.start();
  }
}
