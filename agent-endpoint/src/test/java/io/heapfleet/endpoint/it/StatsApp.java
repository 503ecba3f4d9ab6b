package io.heapfleet.endpoint.it;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A child application for the stats tests, driven line by line on stdin: {@code retain N} keeps N
 * MB more (in 64 KB arrays, as an application's objects would be), {@code garbage N} allocates N MB
 * and drops it; each then runs a full collection ({@code System.gc()}) and answers {@code done
 * <command>} on stderr, so the old generation's figure after GC is fresh.
 */
public final class StatsApp {
  static final List<byte[]> RETAINED = new ArrayList<>();
  static volatile Object sink;

  public static void main(String[] args) throws Exception {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] cmd = line.trim().split(" ");
      int mb = Integer.parseInt(cmd[1]);
      for (int i = 0; i < mb * 16; i++) {
        byte[] b = new byte[64 * 1024];
        b[i % b.length] = (byte) i;
        if (cmd[0].equals("retain")) {
          RETAINED.add(b);
        } else {
          sink = b;
        }
      }
      sink = null;
      System.gc();
      System.err.println("done " + line.trim());
    }
  }
}
