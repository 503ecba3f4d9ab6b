package io.heapfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(args[0], true);
    }
  }

  @BeforeAll
  static void dumpALeakyJvm() throws Exception {
    dump = dir.resolve("orders.hprof");
    String classes =
        Path.of(OrderBook.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                classes,
                OrderBook.class.getName(),
                dump.toString())
            .inheritIO()
            .start();
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
    } finally {
      p.destroyForcibly();
    }
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
