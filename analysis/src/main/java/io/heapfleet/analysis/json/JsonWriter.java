package io.heapfleet.analysis.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The JSON writer for every heapfleet document outside the javaagent (analysis results, the deep
 * analysis, the dashboard's chart data, the CLI's JSON): Jackson's streaming generator ({@code
 * jackson-core}, no transitive dependencies) with heapfleet's fixed layout, so that the bytes the
 * JSON contracts promise do not depend on a library's defaults.
 *
 * <ul>
 *   <li>{@link #indented}: two-space indentation, {@code "name": value}, one entry per line; {@link
 *       #beginInlineObject()} / {@link #beginInlineArray()} keep a small container on one line
 *       ({@code {"a": 1, "b": 2}}). Empty containers are {@code {}} and {@code []}.
 *   <li>{@link #compact}: one line, no spaces. {@link #compactForScript} also escapes {@code <} so
 *       that a value can never close the {@code <script>} element the JSON is embedded in.
 * </ul>
 *
 * <p>Strings are escaped as {@code \"}, {@code \\}, {@code \n}, {@code \r}, {@code \t} and other
 * control characters as lower-case {@code \}{@code u00xx}; everything else is written as is (the
 * target {@link Writer} encodes it). Doubles are rounded to 4 decimals and written without an
 * exponent ({@link #number(double)}). I/O errors surface as {@link UncheckedIOException}. Not
 * thread-safe: one writer per document.
 */
public final class JsonWriter {
  private static final JsonFactory PLAIN = factory(false);
  private static final JsonFactory SCRIPT_SAFE = factory(true);
  private static final AtomicBoolean WARMED = new AtomicBoolean();

  private final JsonGenerator gen;
  private final Layout layout;

  private JsonWriter(JsonFactory factory, Writer out, Layout layout) {
    try {
      this.gen = factory.createGenerator(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.layout = layout;
    if (layout != null) {
      gen.setPrettyPrinter(layout);
    }
  }

  /** A writer of indented JSON (the analysis documents' layout) to {@code out}. */
  public static JsonWriter indented(Writer out) {
    return new JsonWriter(PLAIN, out, new Layout());
  }

  /** A writer of one-line JSON without spaces to {@code out}. */
  public static JsonWriter compact(Writer out) {
    return new JsonWriter(PLAIN, out, null);
  }

  /** {@link #compact} that also escapes {@code <} and writes every control character as hex. */
  public static JsonWriter compactForScript(Writer out) {
    return new JsonWriter(SCRIPT_SAFE, out, null);
  }

  /**
   * Loads and initialises the JSON machinery (Jackson's generator classes) on a background daemon
   * thread, once. A one-shot command that will print JSON after a long read (a dump) calls it
   * first, so that a cold JVM's class loading overlaps the read instead of following it.
   */
  public static void warmUp() {
    if (WARMED.compareAndSet(false, true)) {
      Thread t =
          new Thread(
              () -> {
                JsonWriter w = indented(new StringWriter());
                w.beginObject().field("n", 1.5).strings("s", List.of("x")).endObject();
                w.finishLine();
              },
              "heapfleet-json-warm-up");
      t.setDaemon(true);
      t.start();
    }
  }

  public JsonWriter beginObject() {
    return run(gen::writeStartObject);
  }

  /**
   * An object on one line, in an indented document; the same as {@link #beginObject} in compact.
   */
  public JsonWriter beginInlineObject() {
    inlineNext();
    return beginObject();
  }

  public JsonWriter endObject() {
    return run(gen::writeEndObject);
  }

  public JsonWriter beginArray() {
    return run(gen::writeStartArray);
  }

  /** An array on one line, in an indented document; the same as {@link #beginArray} in compact. */
  public JsonWriter beginInlineArray() {
    inlineNext();
    return beginArray();
  }

  public JsonWriter endArray() {
    return run(gen::writeEndArray);
  }

  public JsonWriter name(String name) {
    return run(() -> gen.writeFieldName(name));
  }

  /** A string value, or {@code null} for null. */
  public JsonWriter string(String s) {
    return run(() -> gen.writeString(s));
  }

  public JsonWriter number(long n) {
    return run(() -> gen.writeNumber(n));
  }

  /**
   * A decimal value rounded to 4 decimals (readable; machines get plenty of precision), written
   * without an exponent ({@code 19987326285.3666}, not {@code 1.99E10}) and as an integer when it
   * is one; {@code null} for NaN and the infinities, which JSON cannot carry.
   */
  public JsonWriter number(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return nullValue();
    }
    double rounded = Math.round(d * 10_000.0) / 10_000.0;
    String text =
        rounded == Math.rint(rounded) && Math.abs(rounded) < 1e15
            ? Long.toString((long) rounded)
            : BigDecimal.valueOf(rounded).stripTrailingZeros().toPlainString();
    return run(() -> gen.writeNumber(text));
  }

  public JsonWriter bool(boolean b) {
    return run(() -> gen.writeBoolean(b));
  }

  public JsonWriter nullValue() {
    return run(gen::writeNull);
  }

  public JsonWriter field(String name, String value) {
    return name(name).string(value);
  }

  public JsonWriter field(String name, long value) {
    return name(name).number(value);
  }

  public JsonWriter field(String name, double value) {
    return name(name).number(value);
  }

  public JsonWriter field(String name, boolean value) {
    return name(name).bool(value);
  }

  /** {@code "name": ["a", "b"]}, one string per line in an indented document. */
  public JsonWriter strings(String name, List<String> values) {
    name(name).beginArray();
    values.forEach(this::string);
    return endArray();
  }

  /** {@code "name": ["a", "b"]} on one line. */
  public JsonWriter inlineStrings(String name, List<String> values) {
    name(name).beginInlineArray();
    values.forEach(this::string);
    return endArray();
  }

  /** Writes what is buffered to the target writer and flushes it; the target stays open. */
  public void flush() {
    run(gen::flush);
  }

  /** Ends the document with a newline and {@link #flush}es. */
  public void finishLine() {
    run(() -> gen.writeRaw('\n'));
    flush();
  }

  private void inlineNext() {
    if (layout != null) {
      layout.inlineNext = true;
    }
  }

  private interface Step {
    void run() throws IOException;
  }

  private JsonWriter run(Step step) {
    try {
      step.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  private static JsonFactory factory(boolean scriptSafe) {
    return new JsonFactoryBuilder()
        .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
        // The caller owns the target writer: finishing a document must not close it.
        .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
        .characterEscapes(new Escapes(scriptSafe))
        .build();
  }

  /**
   * Which ASCII characters get escaped, and how: Jackson's table with {@code \b} and {@code \f} as
   * hex (as our documents always wrote them); the script-safe form writes every control character
   * as hex and escapes {@code <}.
   */
  private static final class Escapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] table;

    Escapes(boolean scriptSafe) {
      table = standardAsciiEscapesForJSON();
      table['\b'] = ESCAPE_STANDARD;
      table['\f'] = ESCAPE_STANDARD;
      if (scriptSafe) {
        table['\n'] = ESCAPE_STANDARD;
        table['\r'] = ESCAPE_STANDARD;
        table['\t'] = ESCAPE_STANDARD;
        table['<'] = ESCAPE_STANDARD;
      }
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return table;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      return null; // no custom sequences: only the table's standard ones
    }
  }

  /**
   * The indented layout as a Jackson {@link PrettyPrinter}: one entry per line at two spaces per
   * level, {@code ": "} after names, and containers marked inline kept on one line (with their
   * children).
   */
  private static final class Layout implements PrettyPrinter {
    private final BitSet inline = new BitSet();
    private int depth;
    boolean inlineNext;

    @Override
    public void writeRootValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw('\n');
    }

    @Override
    public void writeStartObject(JsonGenerator g) throws IOException {
      g.writeRaw('{');
      push();
    }

    @Override
    public void writeEndObject(JsonGenerator g, int nrOfEntries) throws IOException {
      end(g, nrOfEntries, '}');
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
      separator(g);
    }

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(": ");
    }

    @Override
    public void writeStartArray(JsonGenerator g) throws IOException {
      g.writeRaw('[');
      push();
    }

    @Override
    public void writeEndArray(JsonGenerator g, int nrOfValues) throws IOException {
      end(g, nrOfValues, ']');
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
      separator(g);
    }

    @Override
    public void beforeArrayValues(JsonGenerator g) throws IOException {
      firstEntry(g);
    }

    @Override
    public void beforeObjectEntries(JsonGenerator g) throws IOException {
      firstEntry(g);
    }

    private void push() {
      // A container inside an inline one is inline too.
      inline.set(depth, inlineNext || (depth > 0 && inline.get(depth - 1)));
      inlineNext = false;
      depth++;
    }

    private void end(JsonGenerator g, int entries, char bracket) throws IOException {
      depth--;
      if (!inline.get(depth) && entries > 0) {
        newline(g, depth);
      }
      g.writeRaw(bracket);
    }

    private void firstEntry(JsonGenerator g) throws IOException {
      if (!inline.get(depth - 1)) {
        newline(g, depth);
      }
    }

    private void separator(JsonGenerator g) throws IOException {
      if (inline.get(depth - 1)) {
        g.writeRaw(", ");
      } else {
        g.writeRaw(',');
        newline(g, depth);
      }
    }

    private static void newline(JsonGenerator g, int level) throws IOException {
      g.writeRaw('\n');
      for (int i = 0; i < level; i++) {
        g.writeRaw("  ");
      }
    }
  }
}
