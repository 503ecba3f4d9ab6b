package io.heapfleet.analysis.hprof;

import io.heapfleet.testsupport.hprof.HprofWriter;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.zip.GZIPOutputStream;

/**
 * Hostile dumps for the reader limits, written as streams (never held whole, never stored in the
 * repository): a valid HPROF header and then records that ask for too much. Built with {@link
 * HprofWriter}'s header and record heads. Stateless.
 */
public final class HprofBombs {
  private HprofBombs() {}

  private static final Instant TIME = Instant.parse("2026-11-22T01:00:00Z");

  private static final int MIB = 1024 * 1024;

  /**
   * Writes a gzip file of {@code count} STRING records of {@code length} bytes each ({@code 'a'}),
   * distinct ids, then a small valid heap. 40 × 16 MiB compresses to about 650 KB.
   */
  public static void gzipStringBomb(Path file, int count, int length) throws IOException {
    try (OutputStream raw = Files.newOutputStream(file);
        GZIPOutputStream gz = new GZIPOutputStream(raw, 64 * 1024);
        DataOutputStream out = new DataOutputStream(gz)) {
      HprofWriter.writeHeader(out, 8, TIME);
      byte[] chunk = new byte[MIB];
      Arrays.fill(chunk, (byte) 'a');
      for (int i = 0; i < count; i++) {
        HprofWriter.writeRecordHead(out, 0x01, 8L + length);
        out.writeLong(0x1000 + i);
        for (int left = length; left > 0; left -= chunk.length) {
          out.write(chunk, 0, Math.min(left, chunk.length));
        }
      }
      writeSmallHeap(out);
    }
  }

  /** A small valid heap (one segment with a root, HEAP_DUMP_END) after the records above. */
  private static void writeSmallHeap(DataOutputStream out) throws IOException {
    HprofWriter.writeRecordHead(out, 0x1C, 9);
    out.writeByte(0xFF); // ROOT_UNKNOWN
    out.writeLong(0x42);
    HprofWriter.writeRecordHead(out, 0x2C, 0);
  }

  /**
   * A gzip stream that inflates to about {@code totalBytes}: a valid header, then (when {@code
   * claimSegment}) a HEAP_DUMP_SEGMENT head claiming the largest length a record can state (4 GiB -
   * 1), then zeros. Generated while it is read: the same 1 MiB-of-zeros gzip member (about 1 KB)
   * repeated, so 10 GB costs 10 MB of stream and no disk.
   */
  public static InputStream gzipZeroBomb(long totalBytes, boolean claimSegment) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(head))) {
      HprofWriter.writeHeader(out, 8, TIME);
      if (claimSegment) {
        HprofWriter.writeRecordHead(out, 0x1C, 0xFFFF_FFFFL);
      }
    }
    ByteArrayOutputStream zeros = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(zeros)) {
      gz.write(new byte[MIB]);
    }
    byte[] headMember = head.toByteArray();
    byte[] zeroMember = zeros.toByteArray();
    long members = Math.max(1, totalBytes / MIB);
    Enumeration<InputStream> parts =
        new Enumeration<>() {
          long next = -1;

          @Override
          public boolean hasMoreElements() {
            return next < members;
          }

          @Override
          public InputStream nextElement() {
            next++;
            return new java.io.ByteArrayInputStream(next == 0 ? headMember : zeroMember);
          }
        };
    return new SequenceInputStream(parts);
  }

  /** Writes {@link #gzipZeroBomb} to a file (about 1 KB per MiB it inflates to). */
  public static void writeGzipZeroBomb(Path file, long totalBytes, boolean claimSegment)
      throws IOException {
    try (InputStream in = gzipZeroBomb(totalBytes, claimSegment)) {
      Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Uncompressed HPROF with {@code count} STRING records of {@code length} bytes each (distinct
   * ids) and a small valid heap: a flood of legal-length strings for the string budget.
   */
  public static void writeStringFlood(OutputStream file, int count, int length) throws IOException {
    DataOutputStream out = new DataOutputStream(file);
    HprofWriter.writeHeader(out, 8, TIME);
    byte[] text = new byte[length];
    Arrays.fill(text, (byte) 'b');
    for (int i = 0; i < count; i++) {
      HprofWriter.writeRecordHead(out, 0x01, 8L + length);
      out.writeLong(0x1000 + i);
      out.write(text);
    }
    writeSmallHeap(out);
    out.flush();
  }
}
