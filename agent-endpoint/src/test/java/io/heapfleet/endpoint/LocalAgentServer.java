package io.heapfleet.endpoint;

import static io.heapfleet.endpoint.TestSupport.SECRET;

import io.heapfleet.endpoint.agent.AgentServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit extension ({@code @RegisterExtension}): the javaagent's HTTP servers in this JVM on
 * 127.0.0.1 and a port the OS picks, for one test, closed after it; and the settings such tests
 * start from. Not thread-safe: one per test instance.
 */
final class LocalAgentServer implements AfterEachCallback {
  private final List<AgentServer> servers = new ArrayList<>();

  /** The test secret, temporary files in {@code tmp}, no cool-down and no disk reserve. */
  static EndpointSettings.Builder settings(Path tmp) {
    return EndpointSettings.builder(SECRET).tempDir(tmp).minInterval(Duration.ZERO).diskReserve(0);
  }

  /** Serves {@code endpoint}; returns its base address, {@code http://127.0.0.1:<port>}. */
  URI start(HeapdumpEndpoint endpoint) throws IOException {
    AgentServer server = AgentServer.start(endpoint, "127.0.0.1", 0);
    servers.add(server);
    return URI.create("http://127.0.0.1:" + server.port());
  }

  /** Stops the servers started so far, now (a test that starts another). */
  void stop() {
    servers.forEach(AgentServer::close);
    servers.clear();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    stop();
  }
}
