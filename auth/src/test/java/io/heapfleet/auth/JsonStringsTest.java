package io.heapfleet.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link JsonStrings} against Node.js's {@code JSON.stringify}. */
class JsonStringsTest {

  @Test
  void escapesLikeJsonStringify() {
    // node -e
    // 'console.log(JSON.stringify("q\"b\\s\b\f\n\r\t\u0001\u001f\ud800x\udc00\ud83d\ude00é"))'
    // (Node 20 here) printed: "q\"b\\s\b\f\n\r\t\u0001\u001f\ud800x\udc00😀é"
    String input = "q\"b\\s\b\f\n\r\t\u0001\u001f\ud800x\udc00\ud83d\ude00é";
    assertThat(JsonStrings.quote(input))
        .isEqualTo("\"q\\\"b\\\\s\\b\\f\\n\\r\\t\\u0001\\u001f\\ud800x\\udc00\ud83d\ude00é\"");
  }

  @Test
  void nullIsTheJsonLiteralAndPlainTextIsUnchanged() {
    assertThat(JsonStrings.quote(null)).isEqualTo("null");
    assertThat(JsonStrings.quote("heapdump")).isEqualTo("\"heapdump\"");
    StringBuilder sb = new StringBuilder("x");
    JsonStrings.appendEscaped(sb, "a\"b");
    assertThat(sb).hasToString("xa\\\"b");
  }
}
