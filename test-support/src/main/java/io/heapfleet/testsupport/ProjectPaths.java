package io.heapfleet.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the project's built artifacts are, found from the test's working directory (a module
 * directory) upward, so that no module has to depend on another module's jar to start it. A missing
 * artifact fails with the command that builds it. Stateless; thread-safe.
 */
public final class ProjectPaths {
  private ProjectPaths() {}

  /**
   * The project root: the first directory upward with a {@code pom.xml} and {@code
   * agent-endpoint/}.
   */
  public static Path root() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("agent-endpoint"))
          && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException("cannot find the project root above " + here);
  }

  /** The heapfleet Java agent ({@code agent-endpoint/target/heapfleet-agent.jar}). */
  public static Path agentJar() {
    return built("agent-endpoint/target/heapfleet-agent.jar", "agent-endpoint");
  }

  /** The leaking example application ({@code examples/leaky-app/target/leaky-app.jar}). */
  public static Path leakyAppJar() {
    return built("examples/leaky-app/target/leaky-app.jar", "examples/leaky-app");
  }

  /** The Node.js agent's preload script ({@code agent-node/register.js}). */
  public static Path nodeAgentRegister() {
    Path script = root().resolve("agent-node/register.js");
    if (!Files.isRegularFile(script)) {
      throw new IllegalStateException(script + " is missing");
    }
    return script;
  }

  private static Path built(String relative, String module) {
    Path file = root().resolve(relative);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          file
              + " is missing: build it with `mvn -B -q package -pl "
              + module
              + " -am -DskipTests`");
    }
    return file;
  }
}
