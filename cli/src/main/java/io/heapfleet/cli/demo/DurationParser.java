package io.heapfleet.cli.demo;

import io.heapfleet.endpoint.DurationText;
import java.time.Duration;
import picocli.CommandLine;

/**
 * The picocli converter for {@link DurationText} durations ({@code 500ms}, {@code 15s}, {@code 2m},
 * {@code 1h}, {@code PT15S}). Stateless, thread-safe.
 */
public final class DurationParser implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  /** The duration {@code text} names; {@link CommandLine.TypeConversionException} if none. */
  public static Duration parse(String text) {
    try {
      return DurationText.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}
