package io.heapfleet.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * The training run behind the CLI's class data sharing archive: the build runs it once with {@code
 * -XX:ArchiveClassesAtExit} (cli/pom.xml) so that the classes a one-shot {@code histo}, {@code
 * diff} or {@code trend} loads are archived, parsed and verified already, and the {@code
 * ./heapfleet} launcher starts from that archive. It dumps its own heap to a temp directory, runs
 * the commands on it with their output discarded, and deletes the directory. Not part of the CLI's
 * commands; exits non-zero when a command fails, so that a broken build does not go unnoticed.
 */
final class CdsTraining {
  private CdsTraining() {}

  public static void main(String[] args) throws IOException {
    Path dir = Files.createTempDirectory("heapfleet-cds");
    Path[] dumps = {dir.resolve("a.hprof"), dir.resolve("b.hprof"), dir.resolve("c.hprof")};
    try {
      HotSpotDiagnosticMXBean bean =
          ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      for (Path dump : dumps) {
        bean.dumpHeap(dump.toString(), true);
        sleep(); // a trend needs dumps taken at different times
      }
      String a = dumps[0].toString();
      String b = dumps[1].toString();
      String c = dumps[2].toString();
      String[][] runs = {
        {"histo", a},
        {"histo", a, "--format", "json"},
        {"diff", a, b},
        {"trend", a, b, c},
        {"trend", a, b, c, "--format", "md"},
        {"--help"},
      };
      for (String[] run : runs) {
        CommandLine cl = HeapfleetCommand.newCommandLine();
        cl.setOut(new PrintWriter(Writer.nullWriter()));
        cl.setErr(new PrintWriter(Writer.nullWriter()));
        int exit = cl.execute(run);
        if (exit != 0) {
          System.err.println(
              "heapfleet CDS training: " + String.join(" ", run) + " exited " + exit);
          System.exit(1);
        }
      }
    } finally {
      for (Path dump : dumps) {
        Files.deleteIfExists(dump);
      }
      Files.deleteIfExists(dir);
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
