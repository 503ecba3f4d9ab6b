package io.heapfleet.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real child JVMs running {@link ChildMain}: output, waiting, failures and clean-up. */
class ChildProcessTest {
  @TempDir Path dir;

  private static JavaCommand child(String... args) {
    return JavaCommand.withHeap("32m").small().main(ChildMain.class).args(args);
  }

  @Test
  void runReturnsStdoutAndKeepsStderrApartAndLogsBoth() throws Exception {
    Path log = dir.resolve("child.log");
    String out =
        child("print", "one", "two")
            .process("printer")
            .env("CHILD_GREETING", "hello")
            .logTo(log)
            .run(Duration.ofSeconds(60));
    assertThat(out).isEqualTo("one\ntwo\nhello");
    assertThat(Files.readString(log)).contains("out one").contains("err done");
  }

  @Test
  void onlyGivenEnvironmentHidesTheTestJvmsVariablesButPath() throws Exception {
    String out =
        child("env", "PATH", "HOME", "CHILD_GREETING")
            .process("env")
            .env("CHILD_GREETING", "hello")
            .onlyGivenEnvironment()
            .run(Duration.ofSeconds(60));
    assertThat(System.getenv("HOME")).as("the test JVM has HOME").isNotNull();
    assertThat(out)
        .isEqualTo("PATH=" + System.getenv("PATH") + "\nHOME=null\nCHILD_GREETING=hello");
  }

  @Test
  void runFailsWithTheOutputWhenTheChildExitsNonZero() {
    assertThatThrownBy(() -> child("exit", "3").process("quitter").run(Duration.ofSeconds(60)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("quitter exited 3")
        .hasMessageContaining("about to exit 3");
  }

  @Test
  void awaitLineReturnsTheMatchOfALaterLine() throws Exception {
    try (ChildProcess c = child("listen", "4711").process("listener").start()) {
      MatchResult m = c.awaitLine(AgentTask.LISTENING, Duration.ofSeconds(60));
      assertThat(m.group(1)).isEqualTo("4711");
      assertThat(m.group(2)).isEqualTo("task-1");
    }
  }

  @Test
  void awaitLineAfterAMarkSkipsTheLinesWrittenBeforeIt() throws Exception {
    try (ChildProcess c = child("listen", "4711").process("listener").start()) {
      c.awaitLine(AgentTask.LISTENING, Duration.ofSeconds(60));
      ChildProcess.Mark mark = c.mark();
      assertThatThrownBy(() -> c.awaitLine(AgentTask.LISTENING, Duration.ofMillis(300), mark))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("listener wrote no line matching");
    }
  }

  @Test
  void awaitStdoutLineReturnsStdoutLinesInOrderAndFailsPastTheLast() throws Exception {
    try (ChildProcess c = child("print", "one", "two").process("printer").start()) {
      assertThat(c.awaitStdoutLine(0, Duration.ofSeconds(60))).isEqualTo("one");
      assertThat(c.awaitStdoutLine(1, Duration.ofSeconds(60))).isEqualTo("two");
      assertThatThrownBy(() -> c.awaitStdoutLine(3, Duration.ofMinutes(5)))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("printer exited without a stdout line 4");
    }
  }

  @Test
  void awaitLineFailsAtOnceWhenTheChildExitsWithoutTheLine() {
    assertThatThrownBy(
            () -> {
              try (ChildProcess c = child("exit", "0").process("silent").start()) {
                c.awaitLine(Pattern.compile("never printed"), Duration.ofMinutes(5));
              }
            })
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("silent exited without a line")
        .hasMessageContaining("about to exit 0");
  }

  @Test
  void closeKillsAChildThatRunsOn() throws Exception {
    ChildProcess c = child("sleep").process("sleeper").start();
    c.awaitLine(Pattern.compile("sleeping"), Duration.ofSeconds(60));
    c.close();
    assertThat(c.process().isAlive()).isFalse();
    assertThat(c.closing()).isTrue();
  }
}
