import io.heapfleet.auth.HourlyToken;
import io.heapfleet.auth.Secret;
import io.heapfleet.endpoint.EndpointSettings;
import io.heapfleet.endpoint.HeapdumpEndpoint;
import io.heapfleet.endpoint.HeapfleetHeaders;
import io.heapfleet.endpoint.JvmStats;
import io.heapfleet.endpoint.TaskIdentity;
import io.heapfleet.endpoint.agent.AgentServer;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Locale;

/**
 * What {@code /heapdump/stats} costs the task: the figures read in-process (time and bytes
 * allocated per call), and whole requests over loopback HTTP through the javaagent's server.
 *
 * <pre>
 * mvn -B -q -pl agent-endpoint -am -DskipTests package
 * java -cp agent-endpoint/target/heapfleet-agent.jar agent-endpoint/bench/StatsCost.java
 * </pre>
 */
public class StatsCost {
  public static void main(String[] args) throws Exception {
    JvmStats stats = JvmStats.platform();
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      stats.toJson("task", "jvm", Instant.now()); // warm up
    }
    long bytes0 = threads.getThreadAllocatedBytes(tid);
    long cpu0 = threads.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    int len = 0;
    for (int i = 0; i < n; i++) {
      len += stats.toJson("task", "jvm", Instant.now()).length();
    }
    long wall = System.nanoTime() - t0;
    long cpu = threads.getCurrentThreadCpuTime() - cpu0;
    long alloc = threads.getThreadAllocatedBytes(tid) - bytes0;
    System.out.printf(
        Locale.ROOT,
        "in-process: %.1f us wall, %.1f us CPU, %d bytes allocated per call; %d-byte document%n",
        wall / 1e3 / n,
        cpu / 1e3 / n,
        alloc / n,
        len / n);

    Secret secret = Secret.of("stats-cost-secret-0123456789abcdef0123", false);
    try (AgentServer server =
        AgentServer.start(
            HeapdumpEndpoint.builder(
                    EndpointSettings.builder(secret).build(),
                    new TaskIdentity("task", null, null, null, null, null, null, "jvm"))
                .build(),
            "127.0.0.1",
            0)) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpRequest req =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/heapdump/stats"))
              .header(
                  HeapfleetHeaders.AUTHORIZATION,
                  HeapfleetHeaders.SCHEME_HOURLY
                      + " "
                      + HourlyToken.compute(secret, "heapdump", Instant.now()))
              .build();
      int m = 2_000;
      for (int i = 0; i < m; i++) {
        http.send(req, HttpResponse.BodyHandlers.ofString());
      }
      var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long p0 = os.getProcessCpuTime();
      long w0 = System.nanoTime();
      for (int i = 0; i < m; i++) {
        if (http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode() != 200) {
          throw new IllegalStateException("not 200");
        }
      }
      System.out.printf(
          Locale.ROOT,
          "over loopback HTTP (keep-alive, token check, audit line): %.0f us wall, %.0f us CPU of"
              + " client and server together per request%n",
          (System.nanoTime() - w0) / 1e3 / m,
          (os.getProcessCpuTime() - p0) / 1e3 / m);
    }
  }
}
