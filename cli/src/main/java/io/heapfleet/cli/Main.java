package io.heapfleet.cli;

/** Entry point of the {@code heapfleet} launcher and jar. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(HeapfleetCommand.newCommandLine().execute(args));
  }
}
