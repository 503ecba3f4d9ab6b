package io.heapfleet.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTailTest {
  @TempDir Path dir;

  @Test
  void returnsOnlyCompleteLinesAppendedSinceTheLastCall() throws Exception {
    Path log = dir.resolve("collector-1.log");
    LogTail tail = new LogTail(log);
    assertThat(tail.newLines()).as("no file yet").isEmpty();

    Files.writeString(log, "first\nsecond\nthi", StandardCharsets.UTF_8);
    assertThat(tail.newLines()).containsExactly("first", "second");

    Files.writeString(log, "rd\n\nfourth\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    assertThat(tail.newLines()).containsExactly("third", "fourth");
    assertThat(tail.newLines()).isEmpty();
  }

  @Test
  void startsAgainWhenTheFileIsTruncated() throws Exception {
    Path log = dir.resolve("local-sqs.log");
    LogTail tail = new LogTail(log);
    Files.writeString(log, "a long first line\n", StandardCharsets.UTF_8);
    assertThat(tail.newLines()).containsExactly("a long first line");

    Files.writeString(log, "new\n", StandardCharsets.UTF_8);
    assertThat(tail.newLines()).containsExactly("new");
  }
}
