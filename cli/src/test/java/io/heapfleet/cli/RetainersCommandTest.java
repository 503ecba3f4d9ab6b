package io.heapfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.testsupport.HeapDumps;
import io.heapfleet.testsupport.JavaCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetainersCommandTest {
  @TempDir static Path dir;
  static Path dump;

  /** The leaky program: orders with payloads in a static map; dumps its own heap. */
  public static final class OrderBook {
    static final Map<Integer, Order> ORDERS = new HashMap<>();

    static final class Order {
      final byte[] lines = new byte[4096];
    }

    public static void main(String[] args) throws Exception {
      for (int i = 0; i < 1000; i++) {
        ORDERS.put(i, new Order());
      }
      HeapDumps.dumpThisJvm(Path.of(args[0]), true);
    }
  }

  @BeforeAll
  static void dumpALeakyJvm() throws Exception {
    dump = dir.resolve("orders.hprof");
    JavaCommand.withHeap("64m")
        .options("-XX:TieredStopAtLevel=1")
        .main(OrderBook.class)
        .args(dump.toString())
        .process("OrderBook")
        .run(Duration.ofSeconds(60));
  }

  @Test
  void namesTheOwnerAndThePathFromTheStaticField() {
    CliRun run = CliRun.run("retainers", dump.toString(), "--class", "byte[]");
    assertThat(run.exitCode).as(run.toString()).isZero();
    String order = OrderBook.class.getName() + "$Order";
    assertThat(run.out)
        .contains("byte[]: ")
        .contains("held by " + order + ": 1000 owner object(s)")
        .contains("static " + OrderBook.class.getName() + ".ORDERS")
        .contains("→ " + order + ".lines")
        .contains("Top classes by retained size:");
  }

  @Test
  void jsonCarriesTheTrendFields() {
    CliRun run = CliRun.run("retainers", dump.toString(), "-c", "byte[]", "--json", "--top", "3");
    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.out)
        .contains("\"owner\": \"" + OrderBook.class.getName() + "$Order\"")
        .contains("\"retainedBytes\": ")
        .contains("\"path\": [\"static " + OrderBook.class.getName() + ".ORDERS\"");
  }

  @Test
  void missingOrCorruptDumpIsBadInput() throws Exception {
    CliRun missing = CliRun.run("retainers", dir.resolve("nope.hprof").toString());
    assertThat(missing.exitCode).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(missing.err).contains("no such dump file");

    Path corrupt = dir.resolve("corrupt.hprof");
    byte[] head = Files.readAllBytes(dump);
    Files.write(corrupt, java.util.Arrays.copyOf(head, head.length / 2));
    CliRun truncated = CliRun.run("retainers", corrupt.toString());
    assertThat(truncated.exitCode).as(truncated.toString()).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(truncated.err).contains(corrupt.toString());
  }
}
