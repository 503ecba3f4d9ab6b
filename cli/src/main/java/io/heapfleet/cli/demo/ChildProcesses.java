package io.heapfleet.cli.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Every OS process the demo starts, so that all of them are stopped on every exit path: normal end,
 * failure, and Ctrl-C (the caller registers {@link #close()} in a shutdown hook). Each child's
 * stdout and stderr go to its own log file, never to the demo's terminal.
 *
 * <p>Stopping is polite first (SIGTERM to the child and its descendants, so a JVM runs its own
 * shutdown hooks), then forceful after a grace period. Thread-safe.
 */
public final class ChildProcesses implements AutoCloseable {
  private static final long GRACE_MILLIS = 10_000;

  /** A started child: its name in the demo's output, the process, and where its output goes. */
  public record Child(String name, Process process, Path log) {
    public long pid() {
      return process.pid();
    }
  }

  private final List<Child> children = new ArrayList<>();
  private boolean closed;

  /**
   * Starts {@code command} with extra environment {@code env}, output appended to {@code log}.
   *
   * @throws IOException when the process cannot be started (the message names the command)
   */
  public synchronized Child start(
      String name, List<String> command, Map<String, String> env, Path log) throws IOException {
    if (closed) {
      throw new IllegalStateException("already stopped; not starting " + name);
    }
    Files.createDirectories(log.toAbsolutePath().getParent());
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File(nullDevice())));
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new IOException(
          "cannot start " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
    }
    Child child = new Child(name, p, log);
    children.add(child);
    return child;
  }

  /** The children started so far (alive or not). */
  public synchronized List<Child> children() {
    return List.copyOf(children);
  }

  /** Stops every child (and its descendants); idempotent. Waits until all are gone. */
  @Override
  public synchronized void close() {
    closed = true;
    List<ProcessHandle> all = new ArrayList<>();
    for (Child c : children) {
      c.process().descendants().forEach(all::add);
      all.add(c.process().toHandle());
    }
    for (ProcessHandle h : all) {
      if (h.isAlive()) {
        h.destroy();
      }
    }
    long deadline = System.currentTimeMillis() + GRACE_MILLIS;
    for (ProcessHandle h : all) {
      long left = deadline - System.currentTimeMillis();
      try {
        if (left > 0) {
          h.onExit().get(left, TimeUnit.MILLISECONDS);
        }
      } catch (Exception e) {
        // fall through to the forceful stop below
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
      }
      if (h.isAlive()) {
        h.destroyForcibly();
      }
    }
    for (ProcessHandle h : all) {
      try {
        h.onExit().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private static String nullDevice() {
    return System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null";
  }
}
