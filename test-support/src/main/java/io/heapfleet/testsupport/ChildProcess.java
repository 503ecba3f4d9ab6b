package io.heapfleet.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child process started by a test: its stdout and stderr are read line by line (kept in memory
 * and, when asked, appended to a log file), a test can wait for a line matching a pattern or for
 * the exit, and {@link #close()} kills it and every process it started. Failure messages carry the
 * output so far. Thread-safe.
 */
public final class ChildProcess implements AutoCloseable {
  /** Environment variables a child never inherits from the test JVM: the agent reads them. */
  private static final List<String> INHERITED_PREFIXES_DROPPED = List.of("HEAPFLEET_", "ECS_");

  private static final List<String> INHERITED_NAMES_DROPPED =
      List.of("JAVA_TOOL_OPTIONS", "NODE_OPTIONS");

  private final String name;
  private final Process process;
  private final List<String> stdout = new ArrayList<>();
  private final List<String> stderr = new ArrayList<>();
  private final Writer log;
  private volatile boolean closing;

  private ChildProcess(String name, Process process, Writer log) {
    this.name = name;
    this.process = process;
    this.log = log;
    pump(process.getInputStream(), stdout, name + "-stdout");
    pump(process.getErrorStream(), stderr, name + "-stderr");
  }

  /** A builder for {@code command} (the program and its arguments). */
  public static Builder command(List<String> command) {
    return new Builder(command);
  }

  /** Settings of one child process. */
  public static final class Builder {
    private final List<String> command;
    private final Map<String, String> env = new LinkedHashMap<>();
    private String name;
    private Path directory;
    private Path logFile;
    private boolean inheritEnvironment = true;

    private Builder(List<String> command) {
      this.command = new ArrayList<>(command);
      this.name = Path.of(command.get(0)).getFileName().toString();
    }

    /** Names the child in thread names and failure messages. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /**
     * Sets one environment variable (the heapfleet, ECS and tool-option ones are not inherited).
     */
    public Builder env(String key, String value) {
      env.put(key, value);
      return this;
    }

    /** Sets environment variables. */
    public Builder env(Map<String, String> vars) {
      env.putAll(vars);
      return this;
    }

    /**
     * Inherits nothing of the test JVM's environment but {@code PATH}: the child sees only the
     * variables set here, as a container sees only those of its task definition.
     */
    public Builder onlyGivenEnvironment() {
      inheritEnvironment = false;
      return this;
    }

    /** Runs the child in {@code dir}. */
    public Builder directory(Path dir) {
      this.directory = dir;
      return this;
    }

    /** Also appends every output line, prefixed {@code out} or {@code err}, to {@code file}. */
    public Builder logTo(Path file) {
      this.logFile = file;
      return this;
    }

    /** Starts the child; does not wait for anything. */
    public ChildProcess start() throws IOException {
      ProcessBuilder pb = new ProcessBuilder(command);
      pb.environment()
          .keySet()
          .removeIf(
              k ->
                  inheritEnvironment
                      ? INHERITED_NAMES_DROPPED.contains(k)
                          || INHERITED_PREFIXES_DROPPED.stream().anyMatch(k::startsWith)
                      : !k.equals("PATH"));
      pb.environment().putAll(env);
      if (directory != null) {
        pb.directory(directory.toFile());
      }
      Writer log =
          logFile == null
              ? null
              : Files.newBufferedWriter(
                  logFile,
                  StandardCharsets.UTF_8,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.APPEND);
      return new ChildProcess(name, pb.start(), log);
    }

    /**
     * Starts the child, waits up to {@code timeout} for it to exit 0 and returns its stdout; fails
     * with its output when it does not finish or exits otherwise. The child is always killed.
     */
    public String run(Duration timeout) throws IOException, InterruptedException {
      try (ChildProcess child = start()) {
        int exit = child.awaitExit(timeout);
        if (exit != 0) {
          throw new AssertionError(child.name + " exited " + exit + ":\n" + child.output());
        }
        return child.stdout();
      }
    }
  }

  /**
   * Waits up to {@code timeout} for a stdout or stderr line in which {@code pattern} is found and
   * returns the match; fails with the output so far when none comes or the child exits first.
   */
  public MatchResult awaitLine(Pattern pattern, Duration timeout) throws InterruptedException {
    return awaitLine(pattern, timeout, new Mark(0, 0));
  }

  /**
   * A place in the output: how many stdout and stderr lines had been written when {@link #mark()}
   * was called.
   */
  public record Mark(int stdoutLines, int stderrLines) {}

  /** The output written so far, to wait for a line that comes only after it. */
  public synchronized Mark mark() {
    return new Mark(stdout.size(), stderr.size());
  }

  /**
   * Like {@link #awaitLine(Pattern, Duration)}, among the lines written after {@code after} only
   * (for example the log line of a request made after the mark).
   */
  public MatchResult awaitLine(Pattern pattern, Duration timeout, Mark after)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seenOut = after.stdoutLines();
    int seenErr = after.stderrLines();
    synchronized (this) {
      while (true) {
        for (; seenErr < stderr.size(); seenErr++) {
          Matcher m = pattern.matcher(stderr.get(seenErr));
          if (m.find()) {
            return m.toMatchResult();
          }
        }
        for (; seenOut < stdout.size(); seenOut++) {
          Matcher m = pattern.matcher(stdout.get(seenOut));
          if (m.find()) {
            return m.toMatchResult();
          }
        }
        if (!awaitMoreOutput(deadline)) {
          throw nothingWritten("line matching /" + pattern + "/", timeout);
        }
      }
    }
  }

  /**
   * Waits up to {@code timeout} for stdout line {@code index} (0 for the first) and returns it;
   * fails with the output so far when it does not come or the child exits first.
   */
  public String awaitStdoutLine(int index, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      while (stdout.size() <= index) {
        if (!awaitMoreOutput(deadline)) {
          throw nothingWritten("stdout line " + (index + 1), timeout);
        }
      }
      return stdout.get(index);
    }
  }

  /**
   * Waits a little for more output, holding this lock; false once {@code deadline} has passed or
   * the child has exited and all its output has been read.
   */
  private synchronized boolean awaitMoreOutput(long deadline) throws InterruptedException {
    long left = deadline - System.nanoTime();
    if (left <= 0 || (!process.isAlive() && pumpsDone())) {
      return false;
    }
    wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
    return true;
  }

  private AssertionError nothingWritten(String what, Duration timeout) {
    return new AssertionError(
        name
            + (process.isAlive() ? " wrote no " : " exited without a ")
            + what
            + " within "
            + timeout.toSeconds()
            + " s:\n"
            + output());
  }

  /** Waits up to {@code timeout} for the exit and returns the exit code; fails if it runs on. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(
          name + " did not finish within " + timeout.toSeconds() + " s:\n" + output());
    }
    awaitPumps();
    return process.exitValue();
  }

  /** The underlying process. */
  public Process process() {
    return process;
  }

  /** Its stdout so far, one line a line. */
  public synchronized String stdout() {
    return String.join("\n", stdout);
  }

  /** Its stderr so far, one line a line. */
  public synchronized String stderr() {
    return String.join("\n", stderr);
  }

  /** Its stdout and stderr so far, for failure messages. */
  public synchronized String output() {
    return "--- stdout\n"
        + String.join("\n", stdout)
        + "\n--- stderr\n"
        + String.join("\n", stderr);
  }

  /** For failure messages: name, pid, alive or exit code, and the output. */
  public String describe() {
    return name
        + " pid "
        + process.pid()
        + (process.isAlive() ? " alive" : " exited " + process.exitValue())
        + "\n"
        + output();
  }

  /** Whether {@link #close()} has been called (an exit after it is expected). */
  public boolean closing() {
    return closing;
  }

  /** Kills the child and its descendants at once (like an OOM-killed container). */
  public void kill() {
    closing = true;
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  @Override
  public void close() {
    kill();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeLog();
  }

  private int pumpsRunning = 2;

  private synchronized boolean pumpsDone() {
    return pumpsRunning == 0;
  }

  private synchronized void awaitPumps() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (pumpsRunning > 0 && System.nanoTime() < deadline) {
      wait(100);
    }
  }

  private void pump(InputStream in, List<String> sink, String threadName) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  append(sink, line);
                }
              } catch (IOException e) {
                // the process ended
              } finally {
                synchronized (this) {
                  pumpsRunning--;
                  notifyAll();
                }
              }
            },
            threadName);
    t.setDaemon(true);
    t.start();
  }

  private synchronized void append(List<String> sink, String line) {
    sink.add(line);
    if (log != null) {
      try {
        log.write((sink == stdout ? "out " : "err ") + line + "\n");
        log.flush();
      } catch (IOException e) {
        // the output is also kept in memory; a log that cannot be written loses nothing
      }
    }
    notifyAll();
  }

  private synchronized void closeLog() {
    if (log != null) {
      try {
        log.close();
      } catch (IOException e) {
        // the output is also kept in memory
      }
    }
  }
}
