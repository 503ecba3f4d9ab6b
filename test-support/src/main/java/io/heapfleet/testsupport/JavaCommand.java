package io.heapfleet.testsupport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM: the test JVM's own {@code java}, options, then a main class on a
 * class path or a jar, then arguments. Not thread-safe; build one per child.
 */
public final class JavaCommand {
  private final List<String> options = new ArrayList<>();
  private final List<String> target = new ArrayList<>();
  private final List<String> args = new ArrayList<>();

  private JavaCommand() {}

  /** A command with {@code -Xmx} set to {@code xmx} (for example {@code 64m}). */
  public static JavaCommand withHeap(String xmx) {
    JavaCommand c = new JavaCommand();
    c.options.add("-Xmx" + xmx);
    return c;
  }

  /**
   * A command without {@code -Xmx}: the JVM sizes its heap from the machine, as for a user who runs
   * the program without options.
   */
  public static JavaCommand withDefaultHeap() {
    return new JavaCommand();
  }

  /** The {@code java} binary of the running JVM. */
  public static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The running test's class path (its classes, test classes and test dependencies). */
  public static String testClassPath() {
    return System.getProperty("java.class.path");
  }

  /** Adds JVM options. */
  public JavaCommand options(String... more) {
    options.addAll(List.of(more));
    return this;
  }

  /** Adds JVM options. */
  public JavaCommand options(List<String> more) {
    options.addAll(more);
    return this;
  }

  /** The flags that make a short-lived test JVM start fast and dump small: C1 only, serial GC. */
  public JavaCommand small() {
    return options("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
  }

  /** Loads the Java agent {@code jar}, with {@code agentArgs} when not null. */
  public JavaCommand javaAgent(Path jar, String agentArgs) {
    return options(
        "-javaagent:" + jar.toAbsolutePath() + (agentArgs == null ? "" : "=" + agentArgs));
  }

  /** Runs {@code mainClass} from the test class path. */
  public JavaCommand main(Class<?> mainClass) {
    return main(testClassPath(), mainClass.getName());
  }

  /** Runs {@code mainClass} from {@code classPath}. */
  public JavaCommand main(String classPath, String mainClass) {
    target.clear();
    target.addAll(List.of("-cp", classPath, mainClass));
    return this;
  }

  /** Runs an executable {@code jar}. */
  public JavaCommand jar(Path jar) {
    target.clear();
    target.addAll(List.of("-jar", jar.toString()));
    return this;
  }

  /** Adds program arguments. */
  public JavaCommand args(String... more) {
    args.addAll(List.of(more));
    return this;
  }

  /** Adds program arguments. */
  public JavaCommand args(List<String> more) {
    args.addAll(more);
    return this;
  }

  /** The whole command line. */
  public List<String> toList() {
    if (target.isEmpty()) {
      throw new IllegalStateException("no main class or jar to run");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBinary());
    cmd.addAll(options);
    cmd.addAll(target);
    cmd.addAll(args);
    return cmd;
  }

  /** A {@link ChildProcess} builder for this command, named {@code name}. */
  public ChildProcess.Builder process(String name) {
    return ChildProcess.command(toList()).name(name);
  }
}
