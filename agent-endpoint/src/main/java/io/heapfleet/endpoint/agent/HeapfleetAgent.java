package io.heapfleet.endpoint.agent;

import io.heapfleet.endpoint.EndpointSettings;
import io.heapfleet.endpoint.HeapdumpEndpoint;
import io.heapfleet.endpoint.HeapfleetHeaders;
import io.heapfleet.endpoint.TaskIdentity;
import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code -javaagent} entry point: serves {@code /heapdump} on {@code HEAPFLEET_PORT} (default
 * {@value EndpointSettings#DEFAULT_PORT}) in any JVM application, without code changes:
 *
 * <pre>
 * JAVA_TOOL_OPTIONS=-javaagent:/opt/heapfleet-agent.jar HEAPFLEET_SECRET_FILE=/run/secrets/heapfleet
 * java -javaagent:heapfleet-agent.jar=port=9091,taskId=orders-1 -jar app.jar
 * </pre>
 *
 * <p>Start-up happens on a daemon thread so that reading ECS metadata never delays the
 * application's {@code main}. A broken configuration (no secret, port taken) is logged as SEVERE
 * and the application keeps running without the endpoint: the agent must never take an application
 * down.
 */
public final class HeapfleetAgent {

  private static final Logger LOG = Logger.getLogger(HeapfleetAgent.class.getName());
  private static volatile AgentServer server;

  private HeapfleetAgent() {}

  /** Called by the JVM for {@code -javaagent}. */
  public static void premain(String args, Instrumentation inst) {
    startInBackground(args);
  }

  /** Called when the agent is attached to a running JVM. */
  public static void agentmain(String args, Instrumentation inst) {
    startInBackground(args);
  }

  /** {@code java -jar heapfleet-agent.jar}: explains how to use the jar. */
  public static void main(String[] args) {
    System.out.println(
        "heapfleet-agent: a -javaagent that serves a protected /heapdump endpoint.\n"
            + "  JAVA_TOOL_OPTIONS=\"-javaagent:/opt/heapfleet-agent.jar\"\n"
            + "  HEAPFLEET_SECRET_FILE=/run/secrets/heapfleet (or HEAPFLEET_SECRET)\n"
            + "  HEAPFLEET_PORT (default "
            + EndpointSettings.DEFAULT_PORT
            + "), HEAPFLEET_TASK_ID, HEAPFLEET_SCOPE, HEAPFLEET_MIN_INTERVAL,\n"
            + "  HEAPFLEET_HOURLY_TOKEN (accept|refuse), HEAPFLEET_HEADER_TIMEOUT, ...\n"
            + "See docs/endpoint.md.");
  }

  private static synchronized void startInBackground(String args) {
    if (server != null) {
      LOG.warning("heapfleet: agent already started; ignoring a second start");
      return;
    }
    Thread t = new Thread(() -> start(args, System.getenv()), "heapfleet-agent-start");
    t.setDaemon(true);
    t.start();
  }

  static void start(String args, Map<String, String> env) {
    try {
      EndpointSettings settings = EndpointSettings.fromAgentArgs(args, env);
      TaskIdentity identity = TaskIdentity.resolve(settings, env);
      HeapdumpEndpoint endpoint = HeapdumpEndpoint.builder(settings, identity).build();
      server = AgentServer.start(endpoint, settings.bind(), settings.port());
      LOG.info(
          HeapfleetHeaders.listeningLine(
              settings.bind(),
              server.port(),
              identity.taskId(),
              identity.source().map(Enum::name).orElse("?")));
    } catch (Exception | LinkageError e) {
      // The message names the setting (never the secret); the app keeps running without us.
      LOG.log(Level.SEVERE, "heapfleet: the /heapdump endpoint is NOT running: " + e.getMessage());
    }
  }
}
