package io.heapfleet.analysis.hprof;

import io.airlift.compress.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * An opened HPROF source: detects plain / gzip / HotSpot chunked gzip / zstd by its first bytes,
 * decompresses on a background thread when compressed (a chunked gzip file on all cores, see {@link
 * ParallelGzipInputStream}), and parses the header. Then {@link #read(HprofListener)} streams the
 * records once. Not thread-safe; close it when done (closes the underlying file or stream).
 */
public final class HprofInput implements Closeable {
  private static final int PEEK = 64;

  /** System property: threads that decompress HotSpot's chunked gzip (1 = sequential). */
  public static final String THREADS_PROPERTY = "heapfleet.gunzip.threads";

  private static final String BLOCKSIZE = "HPROF BLOCKSIZE=";
  private static final byte[] HPROF_MAGIC = "JAVA PROFILE ".getBytes(StandardCharsets.US_ASCII);

  private final RecordReader reader;
  private final InputFormat format;
  private final HprofHeader header;
  private boolean consumed;
  private HprofLimits limits = HprofLimits.DEFAULT;

  private HprofInput(RecordReader reader, InputFormat format) throws IOException {
    this.reader = reader;
    this.format = format;
    this.header = readHeader(reader);
    reader.setIdSize(header.idSize());
  }

  /** Opens a dump file of any supported format; the format is detected from its content. */
  public static HprofInput open(Path file) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    try {
      ByteBuffer peek = ByteBuffer.allocate(PEEK);
      while (peek.hasRemaining() && channel.read(peek) > 0) {
        // read what is there
      }
      byte[] head = Arrays.copyOf(peek.array(), peek.position());
      channel.position(0);
      InputFormat format = detect(head, file.toString());
      if (format == InputFormat.PLAIN) {
        return new HprofInput(
            new RecordReader(ByteSource.of(channel), RecordReader.BUFFER_SIZE), format);
      }
      int threads = gunzipThreads();
      int blockSize = format == InputFormat.CHUNKED_GZIP ? chunkBlockSize(head) : -1;
      if (blockSize > 0 && threads > 1) {
        InputStream parallel =
            new ParallelGzipInputStream(
                channel, blockSize, threads, ParallelGzipInputStream.DEFAULT_SEGMENT);
        try {
          return new HprofInput(new RecordReader(ByteSource.of(parallel), 1024 * 1024), format);
        } catch (IOException | RuntimeException e) {
          parallel.close(); // stops its threads
          throw e;
        }
      }
      InputStream raw = new BufferedInputStream(Channels.newInputStream(channel), 256 * 1024);
      return new HprofInput(decompressing(raw, format), format);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * Threads that decompress a chunked gzip file: system property {@value #THREADS_PROPERTY},
   * default the available processors; 1 reads it sequentially like plain gzip.
   */
  static int gunzipThreads() {
    return Math.max(
        1, Integer.getInteger(THREADS_PROPERTY, Runtime.getRuntime().availableProcessors()));
  }

  /**
   * The {@code BLOCKSIZE} of HotSpot's chunked gzip from the first member's comment; -1 when it is
   * missing or outside 1 byte .. 16 MB (such a file is read sequentially).
   */
  static int chunkBlockSize(byte[] head) {
    String ascii = new String(head, StandardCharsets.ISO_8859_1);
    int at = ascii.indexOf(BLOCKSIZE);
    if (at < 0) {
      return -1;
    }
    int p = at + BLOCKSIZE.length();
    long value = 0;
    int digits = 0;
    while (p < head.length && head[p] >= '0' && head[p] <= '9' && digits < 9) {
      value = value * 10 + (head[p] - '0');
      p++;
      digits++;
    }
    boolean terminated = p < head.length && head[p] == 0;
    return terminated && digits > 0 && value >= 1 && value <= 16 * 1024 * 1024 ? (int) value : -1;
  }

  /**
   * The header of an uncompressed dump file, parsed from its first bytes without setting up a
   * reader (for scanners that read the file themselves); {@code null} when the file is compressed,
   * not a dump, or its header is malformed ({@link #open(Path)} then says why).
   */
  public static HprofHeader plainHeader(Path file) throws IOException {
    byte[] head;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer peek = ByteBuffer.allocate(PEEK);
      while (peek.hasRemaining() && channel.read(peek) > 0) {
        // read what is there
      }
      head = Arrays.copyOf(peek.array(), peek.position());
    }
    if (head.length < HPROF_MAGIC.length
        || !Arrays.equals(Arrays.copyOf(head, HPROF_MAGIC.length), HPROF_MAGIC)) {
      return null;
    }
    int nul = -1;
    for (int i = 0; i < Math.min(head.length, 33); i++) {
      if (head[i] == 0) {
        nul = i;
        break;
      }
    }
    if (nul < 0 || nul + 13 > head.length) {
      return null;
    }
    String version = new String(head, 0, nul, StandardCharsets.ISO_8859_1);
    ByteBuffer fields = ByteBuffer.wrap(head); // big-endian
    int idSize = fields.getInt(nul + 1);
    if (!Arrays.asList(HprofHeader.SUPPORTED_VERSIONS).contains(version)
        || (idSize != 4 && idSize != 8)) {
      return null;
    }
    return new HprofHeader(
        version, idSize, Instant.ofEpochMilli(fields.getLong(nul + 5)), nul + 13);
  }

  /**
   * Opens a dump arriving as a stream (e.g. an HTTP body or an S3 object). The stream is read once,
   * front to back, never buffered whole; closing this closes it.
   */
  public static HprofInput open(InputStream in) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in, 256 * 1024);
    try {
      buffered.mark(PEEK);
      byte[] head = buffered.readNBytes(PEEK);
      buffered.reset();
      InputFormat format = detect(head, "stream");
      if (format == InputFormat.PLAIN) {
        return new HprofInput(
            new RecordReader(ByteSource.of(buffered), RecordReader.BUFFER_SIZE), format);
      }
      return new HprofInput(decompressing(buffered, format), format);
    } catch (IOException | RuntimeException e) {
      buffered.close();
      throw e;
    }
  }

  private static RecordReader decompressing(InputStream raw, InputFormat format)
      throws IOException {
    InputStream decompressed;
    try {
      decompressed =
          switch (format) {
            case GZIP, CHUNKED_GZIP -> new GZIPInputStream(raw, 256 * 1024);
            case ZSTD -> new ZstdInputStream(raw);
            case PLAIN -> raw;
          };
    } catch (IOException | RuntimeException e) {
      // GZIPInputStream reads the member header at once: a cut or corrupt header lands here.
      throw new HprofFormatException(
          0, "Cannot read the " + format.name().toLowerCase() + " header: " + e, e);
    }
    InputStream pipelined =
        new PipelinedInputStream(decompressed, 4, 1024 * 1024, "hprof-" + format.name());
    return new RecordReader(ByteSource.of(pipelined), 1024 * 1024);
  }

  /** Detects the format from the first bytes; fails with a message showing them. */
  static InputFormat detect(byte[] head, String what) throws HprofFormatException {
    if (head.length >= 2 && (head[0] & 0xFF) == 0x1F && (head[1] & 0xFF) == 0x8B) {
      // HotSpot's -gz writer puts "HPROF BLOCKSIZE=<n>" in the first member's comment field.
      boolean hasComment = head.length > 3 && (head[3] & 0x10) != 0;
      String ascii = new String(head, StandardCharsets.ISO_8859_1);
      return hasComment && ascii.contains("HPROF BLOCKSIZE=")
          ? InputFormat.CHUNKED_GZIP
          : InputFormat.GZIP;
    }
    if (head.length >= 4
        && (head[0] & 0xFF) == 0x28
        && (head[1] & 0xFF) == 0xB5
        && (head[2] & 0xFF) == 0x2F
        && (head[3] & 0xFF) == 0xFD) {
      return InputFormat.ZSTD;
    }
    if (head.length >= HPROF_MAGIC.length
        && Arrays.equals(Arrays.copyOf(head, HPROF_MAGIC.length), HPROF_MAGIC)) {
      return InputFormat.PLAIN;
    }
    throw new HprofFormatException(
        0,
        "Not a heap dump: "
            + what
            + " starts with "
            + hex(head, 16)
            + "; expected \"JAVA PROFILE 1.0.x\" (HPROF), gzip (1f 8b) or zstd (28 b5 2f fd)");
  }

  private static HprofHeader readHeader(RecordReader r) throws IOException {
    ByteArrayOutputStream version = new ByteArrayOutputStream();
    while (true) {
      int b = r.readUnsignedByte();
      if (b == 0) {
        break;
      }
      if (version.size() >= 32) {
        throw new HprofFormatException(
            r.position(), "HPROF version string is not NUL-terminated within 32 bytes");
      }
      version.write(b);
    }
    String v = version.toString(StandardCharsets.ISO_8859_1);
    if (!Arrays.asList(HprofHeader.SUPPORTED_VERSIONS).contains(v)) {
      throw new HprofFormatException(
          0,
          "Unsupported HPROF version ["
              + v
              + "]; supported: "
              + String.join(", ", HprofHeader.SUPPORTED_VERSIONS));
    }
    long idOffset = r.position();
    int idSize = r.readInt();
    if (idSize != 4 && idSize != 8) {
      throw new HprofFormatException(
          idOffset, "Unsupported identifier size " + idSize + "; expected 4 or 8");
    }
    long millis = r.readLong();
    return new HprofHeader(v, idSize, Instant.ofEpochMilli(millis), (int) r.position());
  }

  private static String hex(byte[] bytes, int max) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(max, bytes.length); i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(String.format("%02x", bytes[i] & 0xFF));
    }
    return bytes.length == 0 ? "(empty input)" : sb.toString();
  }

  public HprofHeader header() {
    return header;
  }

  /** What the dump may make {@link #read} keep; {@link HprofLimits#DEFAULT} unless set. */
  public HprofLimits limits() {
    return limits;
  }

  /** Sets the limits of {@link #read} (before it is called); returns this input. */
  public HprofInput withLimits(HprofLimits limits) {
    this.limits = java.util.Objects.requireNonNull(limits);
    return this;
  }

  public InputFormat format() {
    return format;
  }

  /**
   * Streams all records once to {@code listener}; may be called once per input.
   *
   * @return what was seen (record counts, whether a heap dump was present)
   */
  public HprofStreamReader.Summary read(HprofListener listener) throws IOException {
    if (consumed) {
      throw new IllegalStateException("an HprofInput can be read once; open it again");
    }
    consumed = true;
    return new HprofStreamReader(reader, header, limits.newBudget()).read(listener);
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
