package io.heapfleet.cli.demo;

import io.heapfleet.cli.UserException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the demo finds the jars it launches, relative to the project root: the directory of the
 * {@code ./heapfleet} launcher, passed as system property {@value #HOME_PROPERTY}; otherwise
 * derived from this jar's location ({@code <root>/cli/target/heapfleet.jar}); otherwise the current
 * directory. Immutable.
 */
public record ProjectLayout(Path root, Path agentJar, Path leakyAppJar, Path collectorJar) {

  /** System property naming the project root; set by the {@code ./heapfleet} launcher. */
  public static final String HOME_PROPERTY = "heapfleet.home";

  /** The layout under {@code root}. */
  public static ProjectLayout under(Path root) {
    Path r = root.toAbsolutePath().normalize();
    return new ProjectLayout(
        r,
        r.resolve("agent-endpoint/target/heapfleet-agent.jar"),
        r.resolve("examples/leaky-app/target/leaky-app.jar"),
        r.resolve("collector/target/quarkus-app/quarkus-run.jar"));
  }

  /** The layout of the project this CLI runs from (see the class comment for the search). */
  public static ProjectLayout locate() {
    String home = System.getProperty(HOME_PROPERTY);
    if (home != null && !home.isBlank()) {
      return under(Path.of(home));
    }
    try {
      Path self =
          Path.of(ProjectLayout.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // <root>/cli/target/heapfleet.jar or <root>/cli/target/classes
      Path target = self.getParent();
      if (target != null && target.getParent() != null && target.getParent().getParent() != null) {
        Path candidate = target.getParent().getParent();
        if (Files.isRegularFile(candidate.resolve("heapfleet"))
            || Files.isDirectory(candidate.resolve("collector"))) {
          return under(candidate);
        }
      }
    } catch (URISyntaxException | RuntimeException e) {
      // fall back to the working directory
    }
    return under(Path.of(""));
  }

  /** Fails with a clear "build first" message naming every missing jar. */
  public ProjectLayout requireBuilt() {
    List<String> missing = new ArrayList<>();
    for (Path p : List.of(agentJar, leakyAppJar, collectorJar)) {
      if (!Files.isRegularFile(p)) {
        missing.add(root.relativize(p).toString());
      }
    }
    if (!missing.isEmpty()) {
      throw new UserException(
          io.heapfleet.cli.ExitCode.FAILURE,
          "the demo needs "
              + String.join(", ", missing)
              + " (missing under "
              + root
              + "); run `mvn -B install -DskipTests` first, in "
              + root);
    }
    return this;
  }

  /**
   * The local SQS's runnable jar ({@code local-sqs}), needed only by {@code demo --collectors N}
   * with N above one; its dependencies are in {@code lib/} beside it.
   */
  public Path localSqsJar() {
    return root.resolve("local-sqs/target/heapfleet-local-sqs.jar");
  }

  /** Fails with the same "build first" message when the local SQS's jar is missing. */
  public ProjectLayout requireLocalSqs() {
    if (!Files.isRegularFile(localSqsJar())) {
      throw new UserException(
          io.heapfleet.cli.ExitCode.FAILURE,
          "--collectors needs "
              + root.relativize(localSqsJar())
              + " (missing under "
              + root
              + "); run `mvn -B install -DskipTests` first, in "
              + root);
    }
    return this;
  }

  /** The java executable of this JVM, used for every child JVM. */
  public static String javaExecutable() {
    Path bin = Path.of(System.getProperty("java.home"), "bin", "java");
    return Files.isExecutable(bin) ? bin.toString() : "java";
  }
}
