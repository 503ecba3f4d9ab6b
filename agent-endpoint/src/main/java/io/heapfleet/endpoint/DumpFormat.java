package io.heapfleet.endpoint;

import io.heapfleet.auth.Compression;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;

/**
 * How a dump is encoded on the wire: kept for code written against it. Use {@link Compression}, the
 * one list of compressions the endpoint, the client and storage share, and {@link WireEncoding} for
 * the encoders.
 *
 * @deprecated use {@link Compression}; every method here delegates to it.
 */
@Deprecated
public enum DumpFormat {
  GZIP(Compression.GZIP),
  ZSTD(Compression.ZSTD),
  RAW(Compression.RAW);

  /** gzip level. */
  public static final int GZIP_LEVEL = WireEncoding.GZIP_LEVEL;

  private final Compression compression;

  DumpFormat(Compression compression) {
    this.compression = compression;
  }

  /** The compression this constant stands for. */
  public Compression compression() {
    return compression;
  }

  /** The constant for {@code compression}. */
  public static DumpFormat of(Compression compression) {
    return valueOf(compression.name());
  }

  /** The name used in {@code ?format=} and settings. */
  public String id() {
    return compression.id();
  }

  /** The file name extension, e.g. {@code .hprof.gz}. */
  public String extension() {
    return WireEncoding.hprofExtension(compression);
  }

  public String contentType() {
    return compression.contentType();
  }

  /** Looks a format up by {@link #id()}, case-insensitively. */
  public static Optional<DumpFormat> fromId(String id) {
    return Compression.fromId(id).map(DumpFormat::of);
  }

  /** Wraps {@code out} so that bytes written are encoded in this format. */
  public OutputStream encode(OutputStream out) throws IOException {
    return WireEncoding.encode(compression, out);
  }
}
