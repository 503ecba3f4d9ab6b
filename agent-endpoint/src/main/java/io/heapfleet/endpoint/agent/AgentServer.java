package io.heapfleet.endpoint.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.heapfleet.endpoint.EndpointRequest;
import io.heapfleet.endpoint.EndpointResponse;
import io.heapfleet.endpoint.HeapdumpEndpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The javaagent's front door: {@code /heapdump} and {@code /heapdump/identity} on a JDK {@link
 * HttpServer}. Every thread it owns is a daemon thread, so the agent never keeps an application
 * alive. Thread-safe; {@link #close()} stops it.
 */
public final class AgentServer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(AgentServer.class.getName());

  private final HttpServer server;
  private final ExecutorService executor;

  private AgentServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts serving {@code endpoint} on {@code bind:port} (port 0 picks a free one).
   *
   * @throws IOException when the address cannot be bound
   */
  public static AgentServer start(HeapdumpEndpoint endpoint, String bind, int port)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 16);
    AtomicInteger n = new AtomicInteger();
    // A few threads: identity and 421/429 answers must stay fast while a dump streams.
    ExecutorService executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "heapfleet-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/heapdump", exchange -> serve(endpoint, exchange));
    // HttpServer's dispatcher thread inherits the daemon flag of the thread that starts it.
    Thread starter = new Thread(server::start, "heapfleet-http-start");
    starter.setDaemon(true);
    starter.start();
    try {
      starter.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new AgentServer(server, executor);
  }

  /** The port actually bound. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void serve(HeapdumpEndpoint endpoint, HttpExchange exchange) {
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
          try (OutputStream out = exchange.getResponseBody()) {
            response.writeBody(out);
          }
        }
      }
    } catch (IOException e) {
      // The client went away mid-response; the response has cleaned up and audited already.
      LOG.log(Level.FINE, "heapfleet: client connection failed", e);
    } finally {
      exchange.close();
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
