package io.heapfleet.analysis.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses JSON text with Jackson's streaming parser into {@code Map} (field order kept) / {@code
 * List} / {@code String} / {@code Long} / {@code Double} / {@code Boolean} / {@code null}, the
 * generic form {@link AnalysisJsonReader} maps onto the result types. Errors are {@link
 * IllegalArgumentException}s naming the character offset. Nesting is limited so that hostile input
 * cannot exhaust the stack. Stateless and thread-safe.
 */
final class JsonParser {
  private static final int MAX_DEPTH = 64;

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
          .build();

  private JsonParser() {}

  static Object parse(String text) {
    try (com.fasterxml.jackson.core.JsonParser p = FACTORY.createParser(text)) {
      if (p.nextToken() == null) {
        throw new IllegalArgumentException("Invalid JSON at offset 0: unexpected end of JSON");
      }
      Object value = value(p);
      if (p.nextToken() != null) {
        throw error(p.currentTokenLocation(), "unexpected trailing content");
      }
      return value;
    } catch (JsonProcessingException e) {
      throw error(e.getLocation(), e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading a String does not fail
    }
  }

  private static Object value(com.fasterxml.jackson.core.JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT:
        Map<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          map.put(name, value(p));
        }
        return map;
      case START_ARRAY:
        List<Object> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          list.add(value(p));
        }
        return list;
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
        if (p.getNumberType() == com.fasterxml.jackson.core.JsonParser.NumberType.BIG_INTEGER) {
          throw error(p.currentTokenLocation(), "bad number '" + p.getText() + "'");
        }
        return p.getLongValue();
      case VALUE_NUMBER_FLOAT:
        return p.getDoubleValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw error(p.currentTokenLocation(), "unexpected " + t);
    }
  }

  private static IllegalArgumentException error(JsonLocation at, String what) {
    long offset = at == null ? -1 : at.getCharOffset();
    return new IllegalArgumentException("Invalid JSON at offset " + offset + ": " + what);
  }
}
