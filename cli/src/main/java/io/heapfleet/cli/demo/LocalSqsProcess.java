package io.heapfleet.cli.demo;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The demo's local SQS: {@code local-sqs/target/heapfleet-local-sqs.jar} (ElasticMQ) started as a
 * child process on a free 127.0.0.1 port. It creates the FIFO capture queue and its dead-letter
 * queue and announces them with one {@code listening ENDPOINT queue URL} line in its log, which
 * {@link #start} waits for. Immutable once started; the process is stopped with the demo's other
 * children.
 */
record LocalSqsProcess(URI endpoint, String queueUrl, ChildProcesses.Child child) {
  /** The name of the process in the demo's output and its log file. */
  static final String NAME = "local-sqs";

  /** A loaded 2-core machine takes a few seconds to start Pekko; allow many times that. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  /**
   * Starts the local SQS and waits until its queues exist.
   *
   * @param maxReceives receives of one capture message before it moves to the dead-letter queue
   * @throws IOException when it does not start or announces nothing usable in time (the message
   *     names its log)
   */
  static LocalSqsProcess start(
      ChildProcesses children, ProjectLayout layout, Path logs, int maxReceives)
      throws IOException {
    List<String> cmd =
        List.of(
            ProjectLayout.javaExecutable(),
            "-Xmx96m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-jar",
            layout.localSqsJar().toString(),
            "--port",
            Integer.toString(FreePorts.pick()),
            "--max-receives",
            Integer.toString(maxReceives));
    Path log = logs.resolve(NAME + ".log");
    ChildProcesses.Child c = children.start(NAME, cmd, Map.of(), log);
    LogTail tail = new LogTail(log);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      for (String line : tail.newLines()) {
        String[] w = line.trim().split(" ");
        if (w.length == 4 && w[0].equals("listening") && w[2].equals("queue")) {
          URI endpoint = URI.create(w[1]);
          if (!"127.0.0.1".equals(endpoint.getHost()) || !w[3].endsWith(".fifo")) {
            throw new IOException("the local SQS announced an unexpected queue: " + line);
          }
          return new LocalSqsProcess(endpoint, w[3], c);
        }
      }
      if (!c.process().isAlive() || System.nanoTime() > deadline) {
        throw new IOException(
            "the local SQS did not start"
                + (c.process().isAlive() ? " within " + START_TIMEOUT.toSeconds() + " s" : "")
                + "; see "
                + log);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the local SQS", e);
      }
    }
  }
}
