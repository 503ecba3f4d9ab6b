package io.heapfleet.endpoint;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Passes writes on and only flushes on {@link #close()}: an encoder stacked on top of it can be
 * closed to finish its encoding while the stream below stays open (a response that sends a trailer
 * next, an S3 upload that is completed later). Not thread-safe, like the stream it wraps.
 */
public final class LeaveOpenOutputStream extends FilterOutputStream {
  public LeaveOpenOutputStream(OutputStream out) {
    super(out);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len); // FilterOutputStream would write byte by byte
  }

  @Override
  public void close() throws IOException {
    out.flush();
  }
}
