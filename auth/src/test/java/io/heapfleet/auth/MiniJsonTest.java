package io.heapfleet.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link MiniJson}: escaping against Node.js's {@code JSON.stringify}, the builder, the reader. */
class MiniJsonTest {

  @Test
  void escapesLikeJsonStringify() {
    // node -e
    // 'console.log(JSON.stringify("q\"b\\s\b\f\n\r\t\u0001\u001f\ud800x\udc00\ud83d\ude00é"))'
    // (Node 20 here) printed: "q\"b\\s\b\f\n\r\t\u0001\u001f\ud800x\udc00😀é"
    String input = "q\"b\\s\b\f\n\r\t\u0001\u001f\ud800x\udc00\ud83d\ude00é";
    assertThat(MiniJson.quote(input))
        .isEqualTo("\"q\\\"b\\\\s\\b\\f\\n\\r\\t\\u0001\\u001f\\ud800x\\udc00\ud83d\ude00é\"");
  }

  @Test
  void nullIsTheJsonLiteralAndPlainTextIsUnchanged() {
    assertThat(MiniJson.quote(null)).isEqualTo("null");
    assertThat(MiniJson.quote("heapdump")).isEqualTo("\"heapdump\"");
    StringBuilder sb = new StringBuilder("x");
    MiniJson.appendEscaped(sb, "a\"b");
    assertThat(sb).hasToString("xa\\\"b");
  }

  @Test
  void builderWritesOneLineObjectsInFieldOrder() {
    String json =
        MiniJson.object()
            .field("error", "busy")
            .field("message", "a \"dump\" runs")
            .field("taskId", (String) null)
            .field("retryAfterSeconds", 30)
            .field("live", true)
            .rawField("sizes", "[1,2]")
            .toString();
    assertThat(json)
        .isEqualTo(
            "{\"error\":\"busy\",\"message\":\"a \\\"dump\\\" runs\",\"taskId\":null,"
                + "\"retryAfterSeconds\":30,\"live\":true,\"sizes\":[1,2]}");
    assertThat(MiniJson.parseObject(json)).containsEntry("message", "a \"dump\" runs");
    assertThat(MiniJson.object().toString()).isEqualTo("{}");
  }

  @Test
  @SuppressWarnings("unchecked")
  void parsesNestedDocuments() {
    Map<String, Object> m =
        MiniJson.parseObject("{\"a\": [1, 2.5, true, null, {\"b\": \"x\\n\\u0041\"}], \"c\": -3}");
    assertThat((List<Object>) m.get("a")).containsExactly(1L, 2.5, true, null, Map.of("b", "x\nA"));
    assertThat(m.get("c")).isEqualTo(-3L);
  }

  @Test
  void quoteRoundTrips() {
    String s = "quote\" back\\slash \t tab \u0001";
    assertThat(MiniJson.parse(MiniJson.quote(s))).isEqualTo(s);
  }

  @Test
  void errorsNameTheOffset() {
    assertThatThrownBy(() -> MiniJson.parse("{\"a\":}")).hasMessageContaining("offset 5");
    assertThatThrownBy(() -> MiniJson.parse("[1,2")).hasMessageContaining("end of input");
    assertThatThrownBy(() -> MiniJson.parseObject("[]")).hasMessageContaining("a JSON object");
  }

  @Test
  void deeplyNestedInputIsRefusedNotAStackOverflow() {
    assertThatThrownBy(() -> MiniJson.parse("[".repeat(100_000)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nested deeper than 64");
    assertThat(MiniJson.parse("[".repeat(64) + "]".repeat(64))).isInstanceOf(List.class);
  }
}
