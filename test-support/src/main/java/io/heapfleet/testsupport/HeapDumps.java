package io.heapfleet.testsupport;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Real heap dumps for tests: of the running JVM (called from a fixture's {@code main} in a child
 * JVM), or fetched from a task's {@code /heapdump} endpoint with a token the caller computed.
 * Stateless; thread-safe.
 */
public final class HeapDumps {
  private HeapDumps() {}

  /**
   * Dumps the running JVM's heap to {@code file} (HotSpot refuses an existing file, so it is
   * deleted first); {@code live} dumps only reachable objects, after a full GC.
   */
  public static Path dumpThisJvm(Path file, boolean live) {
    try {
      Files.deleteIfExists(file);
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
          .dumpHeap(file.toString(), live);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("the JVM wrote no dump at " + file);
    }
    return file;
  }

  /**
   * Fetches one dump from {@code base}{@code /heapdump} with {@code Authorization: HeapDump
   * <token>} into {@code file}, as the endpoint sends it (compressed or not); fails with the status
   * and body on anything but 200.
   */
  public static Path fetch(URI base, String token, Path file)
      throws IOException, InterruptedException {
    HttpResponse<Path> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(base.resolve("/heapdump"))
                    .header("Authorization", "HeapDump " + token)
                    .build(),
                HttpResponse.BodyHandlers.ofFile(file));
    if (r.statusCode() != 200) {
      String body = Files.readString(file);
      Files.deleteIfExists(file);
      throw new IllegalStateException(
          "GET " + base + "/heapdump answered " + r.statusCode() + ": " + body);
    }
    return file;
  }
}
