package io.heapfleet.testsupport;

/** What {@link ChildProcessTest} runs in a child JVM; the first argument says what to do. */
public final class ChildMain {
  private ChildMain() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "print":
        for (int i = 1; i < args.length; i++) {
          System.out.println(args[i]);
        }
        System.out.println(System.getenv("CHILD_GREETING"));
        System.err.println("done");
        break;
      case "env":
        for (int i = 1; i < args.length; i++) {
          System.out.println(args[i] + "=" + System.getenv(args[i]));
        }
        break;
      case "exit":
        System.err.println("about to exit " + args[1]);
        System.exit(Integer.parseInt(args[1]));
        break;
      case "listen":
        System.err.println("starting");
        System.err.println(
            "heapfleet: /heapdump listening on 127.0.0.1:" + args[1] + " as task task-1");
        Thread.sleep(60_000);
        break;
      case "sleep":
        System.out.println("sleeping");
        Thread.sleep(600_000);
        break;
      default:
        throw new IllegalArgumentException(args[0]);
    }
  }
}
