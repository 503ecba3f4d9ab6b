package io.heapfleet.cli;

import io.heapfleet.analysis.hprof.HprofFormatException;
import io.heapfleet.analysis.hprof.HprofLimitException;
import io.heapfleet.auth.SecretException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * The top {@code heapfleet} command: it only groups the subcommands. Each subcommand is one class;
 * they are listed here in the order a user meets them.
 */
@Command(
    name = "heapfleet",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Heap dumps from every task of a JVM fleet, diffed and trended to find the leak.",
    description = {
      "",
      "Every task exposes a protected /heapdump endpoint; the collector captures dumps from",
      "the same task again and again, stores them in S3 by task id, and tells you which task",
      "is leaking, how fast, and what grows. These commands do the same by hand.",
      ""
    },
    footer = {
      "",
      "Exit codes: 0 ok, 1 failure, 2 bad input.",
      "Run 'heapfleet help COMMAND' or 'heapfleet COMMAND --help' for a command's details."
    },
    subcommands = {
      HelpCommand.class,
      TokenCommand.class,
      FetchCommand.class,
      StatsCommand.class,
      HistoCommand.class,
      DiffCommand.class,
      TrendCommand.class,
      DownloadCommand.class,
      LsCommand.class,
      ReportCommand.class,
      DemoCommand.class,
      RetainersCommand.class
    })
public final class HeapfleetCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    // No subcommand: teach rather than fail silently.
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** A command line with heapfleet's error handling: one-line messages, named exit codes. */
  public static CommandLine newCommandLine() {
    CommandLine cmd = new CommandLine(new HeapfleetCommand());
    HelpParagraphs.reflow(cmd);
    cmd.setExecutionStrategy(HeapfleetCommand::runReportingOutOfMemory);
    cmd.setExecutionExceptionHandler(HeapfleetCommand::handleExecutionException);
    cmd.setParameterExceptionHandler(HeapfleetCommand::handleParameterException);
    cmd.setExitCodeExceptionMapper(t -> ExitCode.FAILURE);
    return cmd;
  }

  /**
   * Runs the command; an {@link OutOfMemoryError} (a dump too big for {@code -Xmx}, or a hostile
   * one) becomes one line on stderr and exit code 2, like any other bad input. Picocli passes
   * errors through its exception handler untouched, so they are caught here. The memory the failed
   * command held is unreachable by the time the message is written.
   */
  private static int runReportingOutOfMemory(CommandLine.ParseResult parseResult) {
    try {
      return new CommandLine.RunLast().execute(parseResult);
    } catch (OutOfMemoryError e) {
      CommandLine cmd = parseResult.commandSpec().commandLine();
      PrintWriter err = cmd.getErr();
      err.println(
          "heapfleet: "
              + HprofLimitException.outOfMemory(e).getMessage()
              + "; more heap: HEAPFLEET_JAVA_OPTS=-Xmx4g heapfleet ...");
      if (VerboseOption.isVerbose(parseResult)) {
        e.printStackTrace(err);
      }
      err.flush();
      return ExitCode.BAD_INPUT;
    }
  }

  private static int handleParameterException(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("heapfleet: " + e.getMessage());
    err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
    return ExitCode.BAD_INPUT;
  }

  private static int handleExecutionException(
      Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
    PrintWriter err = cmd.getErr();
    boolean verbose = VerboseOption.isVerbose(parseResult);
    int code;
    String message;
    if (e instanceof UserException) {
      code = ((UserException) e).exitCode();
      message = e.getMessage();
    } else if (e instanceof SecretException || e instanceof HprofFormatException) {
      // HprofFormatException covers the reader limits (HprofLimitException): bad input.
      code = ExitCode.BAD_INPUT;
      message = e.getMessage();
    } else {
      code = ExitCode.FAILURE;
      message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
    }
    err.println("heapfleet: " + message);
    if (verbose) {
      e.printStackTrace(err);
    } else if (code == ExitCode.FAILURE && !(e instanceof UserException)) {
      err.println("(run again with --verbose for details)");
    }
    err.flush();
    return code;
  }
}
