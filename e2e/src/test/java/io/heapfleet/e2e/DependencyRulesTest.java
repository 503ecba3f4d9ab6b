package io.heapfleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of docs/architecture.md, checked on the sources' imports: what runs inside
 * users' tasks stays free of libraries, the analysis knows no AWS or HTTP, and no module outside
 * {@code analysis} reaches into its {@code internal} packages. A new import that breaks a rule
 * fails here with the file and the import.
 */
class DependencyRulesTest {
  private static final Pattern IMPORT =
      Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)", Pattern.MULTILINE);

  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  @Test
  void theAgentSideUsesTheJdkAndBouncyCastleOnly() {
    // The JDK's own HTTP server (jdk.httpserver) serves the javaagent's port.
    // The Quarkus resource is the one part of agent-endpoint that runs inside a Quarkus app; its
    // framework is the app's own. Zstd is the agent's one optional, shaded compressor.
    Predicate<String> allowed =
        i ->
            i.startsWith("java.")
                || i.startsWith("javax.management")
                || i.startsWith("com.sun.management")
                || i.startsWith("com.sun.net.httpserver.")
                || i.startsWith("org.bouncycastle.")
                || i.startsWith("io.heapfleet.auth.")
                || i.startsWith("io.heapfleet.endpoint.")
                || i.startsWith("io.airlift.compress.");
    assertThat(violations("auth", allowed)).isEmpty();
    assertThat(
            violations("agent-endpoint", allowed).stream()
                .filter(v -> !v.contains("/endpoint/quarkus/"))
                .toList())
        .isEmpty();
  }

  @Test
  void theAnalysisKnowsNoAwsHttpOrFramework() {
    Predicate<String> forbidden =
        i ->
            i.startsWith("software.amazon.")
                || i.startsWith("java.net.http.")
                || i.startsWith("io.quarkus.")
                || i.startsWith("jakarta.")
                || i.startsWith("io.heapfleet.storage.")
                || i.startsWith("io.heapfleet.collector.")
                || i.startsWith("io.heapfleet.cli.")
                || i.startsWith("io.heapfleet.endpoint.");
    assertThat(violations("analysis", forbidden.negate())).isEmpty();
  }

  @Test
  void storageKnowsNothingOfAnalysisOrEndpoints() {
    Predicate<String> forbidden =
        i ->
            i.startsWith("io.heapfleet.analysis.")
                || i.startsWith("io.heapfleet.endpoint.")
                || i.startsWith("io.heapfleet.collector.")
                || i.startsWith("io.heapfleet.cli.");
    assertThat(violations("storage", forbidden.negate())).isEmpty();
  }

  @Test
  void onlyTheAnalysisUsesItsInternalPackages() {
    Predicate<String> forbidden = i -> i.startsWith("io.heapfleet.analysis.internal.");
    for (String module : List.of("cli", "collector", "infra", "storage", "agent-endpoint")) {
      assertThat(violations(module, forbidden.negate())).as(module).isEmpty();
    }
  }

  @Test
  void theRulesSeeTheSources() {
    // Guards the other tests against passing on an empty tree (a moved module, a wrong root).
    assertThat(imports("analysis")).hasSizeGreaterThan(100);
    assertThat(imports("agent-endpoint")).hasSizeGreaterThan(50);
    assertThat(imports("auth")).isNotEmpty();
    assertThat(imports("storage")).isNotEmpty();
    assertThat(imports("collector")).hasSizeGreaterThan(100);
    assertThat(imports("cli")).hasSizeGreaterThan(100);
  }

  /** "file: import" for every import of the module's main sources that {@code allowed} refuses. */
  private static List<String> violations(String module, Predicate<String> allowed) {
    return imports(module).stream()
        .filter(fi -> !allowed.test(fi.substring(fi.indexOf(": ") + 2)))
        .toList();
  }

  private static List<String> imports(String module) {
    Path src = ROOT.resolve(module).resolve("src/main/java");
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(src)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = IMPORT.matcher(Files.readString(f));
        String name = ROOT.relativize(f).toString();
        while (m.find()) {
          out.add(name + ": " + m.group(1));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
