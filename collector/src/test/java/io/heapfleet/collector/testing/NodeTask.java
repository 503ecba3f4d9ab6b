package io.heapfleet.collector.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Node.js process running a small script with the Node agent ({@code
 * agent-node/register.js}) preloaded on a free port of 127.0.0.1, with {@code --expose-gc} so the
 * script can run major collections (what old-gen-after-GC is sampled at). Closing it kills the
 * process.
 */
public final class NodeTask implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on [^:]+:(\\d+) as task");

  private final Process process;
  private final URI baseUri;

  private NodeTask(Process process, URI baseUri) {
    this.process = process;
    this.baseUri = baseUri;
  }

  /** Whether {@code node} 18 or later is on the PATH. */
  public static boolean available() {
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return false;
      }
      Matcher m = Pattern.compile("^v(\\d+)\\.").matcher(v);
      return m.find() && Integer.parseInt(m.group(1)) >= 18;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Starts {@code script} as task {@code taskId} with the agent and {@code secret}. */
  public static NodeTask start(String taskId, String secret, String script) throws Exception {
    Path register = Path.of("..", "agent-node", "register.js").toAbsolutePath().normalize();
    ProcessBuilder pb =
        new ProcessBuilder("node", "--expose-gc", "--require", register.toString(), "-e", script);
    pb.environment().keySet().removeIf(k -> k.startsWith("HEAPFLEET_") || k.equals("NODE_OPTIONS"));
    pb.environment().remove("ECS_CONTAINER_METADATA_URI_V4");
    pb.environment().put("HEAPFLEET_SECRET", secret);
    pb.environment().put("HEAPFLEET_TASK_ID", taskId);
    pb.environment().put("HEAPFLEET_PORT", "0");
    pb.environment().put("HEAPFLEET_BIND", "127.0.0.1");
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    try {
      return new NodeTask(p, URI.create("http://127.0.0.1:" + awaitPort(p)));
    } catch (Exception e) {
      p.destroyForcibly();
      throw e;
    }
  }

  public URI baseUri() {
    return baseUri;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  private static int awaitPort(Process p) throws Exception {
    CountDownLatch ready = new CountDownLatch(1);
    int[] port = new int[1];
    StringBuilder log = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  synchronized (log) {
                    log.append(line).append('\n');
                  }
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    port[0] = Integer.parseInt(m.group(1));
                    ready.countDown();
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "node-task-stderr");
    reader.setDaemon(true);
    reader.start();
    if (!ready.await(30, TimeUnit.SECONDS)) {
      synchronized (log) {
        throw new IllegalStateException("node with the agent did not start:\n" + log);
      }
    }
    return port[0];
  }
}
