package io.heapfleet.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  @SuppressWarnings("unchecked")
  void parsesNestedDocuments() {
    Map<String, Object> m =
        Json.parseObject("{\"a\": [1, 2.5, true, null, {\"b\": \"x\\n\\u0041\"}], \"c\": -3}");
    assertThat((List<Object>) m.get("a")).containsExactly(1L, 2.5, true, null, Map.of("b", "x\nA"));
    assertThat(m.get("c")).isEqualTo(-3L);
  }

  @Test
  void quoteRoundTrips() {
    String s = "quote\" back\\slash \t tab \u0001";
    assertThat(Json.parse(Json.quote(s))).isEqualTo(s);
  }

  @Test
  void errorsNameTheOffset() {
    assertThatThrownBy(() -> Json.parse("{\"a\":}")).hasMessageContaining("offset 5");
    assertThatThrownBy(() -> Json.parse("[1,2")).hasMessageContaining("end of input");
  }
}
