package io.heapfleet.endpoint.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.heapfleet.endpoint.EndpointRequest;
import io.heapfleet.endpoint.EndpointResponse;
import io.heapfleet.endpoint.EndpointSettings;
import io.heapfleet.endpoint.HeapdumpEndpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The javaagent's front door: the protocol's paths on a JDK {@link HttpServer} (every path reaches
 * the protocol, which matches them exactly), with a {@link RequestGuard} as executor: bounded
 * threads, a header timeout, and a no-progress watchdog on responses. Every thread it owns is a
 * daemon thread, so the agent never keeps an application alive. Thread-safe; {@link #close()} stops
 * it.
 */
public final class AgentServer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(AgentServer.class.getName());

  private final HttpServer server;
  private final RequestGuard guard;

  private AgentServer(HttpServer server, RequestGuard guard) {
    this.server = server;
    this.guard = guard;
  }

  /**
   * Starts serving {@code endpoint} on {@code bind:port} (port 0 picks a free one).
   *
   * @throws IOException when the address cannot be bound
   */
  public static AgentServer start(HeapdumpEndpoint endpoint, String bind, int port)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 50);
    EndpointSettings settings = endpoint.settings();
    // A few threads (proofs, identity and 421/429 answers stay fast while a dump streams),
    // guarded against clients that send slowly or stop reading.
    RequestGuard guard =
        new RequestGuard(settings.httpThreads(), settings.headerTimeout(), settings.stallTimeout());
    server.setExecutor(guard);
    server.createContext("/", exchange -> serve(endpoint, guard, exchange));
    // HttpServer's dispatcher thread inherits the daemon flag of the thread that starts it.
    Thread starter = new Thread(server::start, "heapfleet-http-start");
    starter.setDaemon(true);
    starter.start();
    try {
      starter.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new AgentServer(server, guard);
  }

  /** The port actually bound. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    guard.close();
  }

  /** Requests cut while sending headers, and responses cut for making no progress (tests). */
  long[] cuts() {
    return guard.cuts();
  }

  /**
   * Serves one exchange. A body that fails once started (the client left, or the dump failed after
   * the response began) is rethrown without closing the exchange: the JDK server then closes the
   * connection without the last chunk, so the client sees a broken stream, never a complete one.
   */
  private static void serve(HeapdumpEndpoint endpoint, RequestGuard guard, HttpExchange exchange)
      throws IOException {
    if (!guard.handling()) {
      exchange.close(); // cut by the watchdog while its headers were read
      return;
    }
    boolean aborted = false;
    try {
      EndpointResponse response;
      try {
        response = endpoint.handle(new ExchangeRequest(exchange));
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "heapfleet: request failed", e);
        exchange.sendResponseHeaders(500, -1);
        return;
      }
      try (response) {
        for (Map.Entry<String, String> h : response.headers().entrySet()) {
          exchange.getResponseHeaders().set(h.getKey(), h.getValue());
        }
        long length = response.contentLength();
        // HttpServer: 0 means chunked, a positive value is Content-Length, -1 means no body.
        exchange.sendResponseHeaders(
            response.status(), length < 0 ? 0 : (length == 0 ? -1 : length));
        if (length != 0) {
          OutputStream out = guard.watch(exchange.getResponseBody());
          try {
            response.writeBody(out);
          } catch (IOException e) {
            // Cleaned up and audited already; the server drops the connection mid-body.
            aborted = true;
            throw e;
          }
          out.close();
        }
      }
    } catch (IOException e) {
      if (aborted) {
        throw e;
      }
      // The client went away before the body; the response has cleaned up already.
      LOG.log(Level.FINE, "heapfleet: client connection failed", e);
    } finally {
      if (!aborted) {
        exchange.close();
      }
    }
  }

  /** Adapts an {@link HttpExchange} to the protocol's request view. */
  private static final class ExchangeRequest implements EndpointRequest {
    private final HttpExchange exchange;
    private final Map<String, String> query;

    ExchangeRequest(HttpExchange exchange) {
      this.exchange = exchange;
      this.query = EndpointRequest.parseQuery(exchange.getRequestURI().getRawQuery());
    }

    @Override
    public String method() {
      return exchange.getRequestMethod();
    }

    @Override
    public String path() {
      return exchange.getRequestURI().getPath();
    }

    @Override
    public String header(String name) {
      return exchange.getRequestHeaders().getFirst(name);
    }

    @Override
    public String queryParameter(String name) {
      return query.get(name);
    }

    @Override
    public String rawQuery() {
      return exchange.getRequestURI().getRawQuery();
    }

    @Override
    public String remoteAddress() {
      InetSocketAddress a = exchange.getRemoteAddress();
      return a == null ? "?" : a.getAddress().getHostAddress();
    }
  }
}
