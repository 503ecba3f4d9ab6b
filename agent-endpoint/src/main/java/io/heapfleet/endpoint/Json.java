package io.heapfleet.endpoint;

import io.heapfleet.auth.MiniJson;
import java.util.Map;

/**
 * This module's short name for the agent side's dependency-free JSON, {@link MiniJson} in {@code
 * auth} (one implementation for the javaagent, the endpoint and the token). Stateless and
 * thread-safe.
 */
public final class Json {
  private Json() {}

  /** {@link MiniJson#parse}. */
  public static Object parse(String text) {
    return MiniJson.parse(text);
  }

  /** {@link MiniJson#parseObject}. */
  public static Map<String, Object> parseObject(String text) {
    return MiniJson.parseObject(text);
  }

  /** {@link MiniJson#quote}. */
  public static String quote(String value) {
    return MiniJson.quote(value);
  }

  /** {@link MiniJson#object}. */
  public static MiniJson.Builder object() {
    return MiniJson.object();
  }
}
