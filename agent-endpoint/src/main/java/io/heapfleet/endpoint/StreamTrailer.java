package io.heapfleet.endpoint;

import io.heapfleet.auth.Compression;
import io.heapfleet.auth.MiniJson;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The record in a dump stream started before the dump was taken: the figures known only afterwards
 * ({@code X-Heapdump-Hprof-Bytes}, {@code -Duration-Ms}, {@code -Pause-Ms}, {@code -Time}), as
 * header name/value pairs, inside the encoding so the file stays valid.
 *
 * <ul>
 *   <li>gzip: at the end, one more gzip member with no content (decoders append nothing) whose
 *       {@code FEXTRA} subfield {@code HF} holds the record; a reader that kept the last bytes of
 *       the stream finds it from the end;
 *   <li>zstd: just before the dump's first frame, a skippable frame (magic {@code 0x184D2A5E}). The
 *       reference decoder skips it; heapfleet's client removes it (aircompressor's decoder, which
 *       heapfleet's reader uses, does not read skippable frames).
 * </ul>
 *
 * <p>The record is {@code <JSON object of strings> <u32 LE length of the JSON> "HFT1"}. Stateless;
 * thread-safe.
 */
public final class StreamTrailer {

  /** How many bytes at the end of a stream a reader must keep to find the record. */
  public static final int MAX_BYTES = 4096;

  private static final byte[] MAGIC = "HFT1".getBytes(StandardCharsets.US_ASCII);
  // An empty final fixed-Huffman deflate block, CRC-32 and ISIZE of nothing.
  private static final byte[] EMPTY_GZIP_END = {3, 0, 0, 0, 0, 0, 0, 0, 0, 0};

  /** The magic of the skippable frame that holds the record in a zstd stream. */
  public static final int ZSTD_TRAILER_MAGIC = 0x184D2A5E;

  private StreamTrailer() {}

  /** The encoded trailer for {@code format} (gzip or zstd). */
  public static byte[] encode(Compression format, Map<String, String> values) {
    byte[] record = record(values);
    ByteArrayOutputStream b = new ByteArrayOutputStream(record.length + 32);
    if (format == Compression.GZIP) {
      // ID1 ID2 CM=deflate FLG=FEXTRA MTIME=0 XFL=0 OS=unknown
      b.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 4, 0, 0, 0, 0, 0, (byte) 0xff});
      le16(b, record.length + 4); // XLEN
      b.write('H');
      b.write('F');
      le16(b, record.length);
      b.writeBytes(record);
      b.writeBytes(EMPTY_GZIP_END);
    } else if (format == Compression.ZSTD) {
      le32(b, ZSTD_TRAILER_MAGIC);
      le32(b, record.length);
      b.writeBytes(record);
    } else {
      throw new IllegalArgumentException("no trailer for " + format);
    }
    return b.toByteArray();
  }

  /**
   * The values of the record that ends {@code tail} (gzip: the last bytes of the stream; zstd: the
   * skippable frame's content), or empty when there is none.
   */
  public static Optional<Map<String, String>> parse(Compression format, byte[] tail, int length) {
    int end = length;
    if (format == Compression.GZIP) {
      if (end < EMPTY_GZIP_END.length
          || !Arrays.equals(
              tail, end - EMPTY_GZIP_END.length, end, EMPTY_GZIP_END, 0, EMPTY_GZIP_END.length)) {
        return Optional.empty();
      }
      end -= EMPTY_GZIP_END.length;
    } else if (format != Compression.ZSTD) {
      return Optional.empty();
    }
    if (end < 8 || !Arrays.equals(tail, end - 4, end, MAGIC, 0, 4)) {
      return Optional.empty();
    }
    int jsonLength =
        (tail[end - 8] & 0xff)
            | (tail[end - 7] & 0xff) << 8
            | (tail[end - 6] & 0xff) << 16
            | (tail[end - 5] & 0xff) << 24;
    int start = end - 8 - jsonLength;
    if (jsonLength < 2 || start < 0) {
      return Optional.empty();
    }
    try {
      Map<String, Object> json =
          Json.parseObject(new String(tail, start, jsonLength, StandardCharsets.UTF_8));
      Map<String, String> values = new LinkedHashMap<>();
      json.forEach((k, v) -> values.put(k, String.valueOf(v)));
      return Optional.of(values);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static byte[] record(Map<String, String> values) {
    MiniJson.Builder json = Json.object();
    values.forEach(json::field);
    byte[] j = json.toString().getBytes(StandardCharsets.UTF_8);
    if (j.length > MAX_BYTES - 64) {
      throw new IllegalArgumentException("trailer too long: " + j.length + " bytes");
    }
    ByteArrayOutputStream b = new ByteArrayOutputStream(j.length + 8);
    b.writeBytes(j);
    le32(b, j.length);
    b.writeBytes(MAGIC);
    return b.toByteArray();
  }

  private static void le16(ByteArrayOutputStream b, int v) {
    b.write(v & 0xff);
    b.write((v >>> 8) & 0xff);
  }

  private static void le32(ByteArrayOutputStream b, int v) {
    le16(b, v & 0xffff);
    le16(b, (v >>> 16) & 0xffff);
  }
}
