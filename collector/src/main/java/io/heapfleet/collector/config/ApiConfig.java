package io.heapfleet.collector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * Who may call the REST API. By default every {@code /api} request needs {@code Authorization:
 * Bearer <token>}; {@code /q/health}, {@code /q/metrics} and {@code /q/openapi} are on the
 * management port.
 */
@ConfigMapping(prefix = "heapfleet.collector.api")
public interface ApiConfig {

  /**
   * The bearer token API callers present. Required unless {@code auth-enabled=false}; without it
   * the API answers 503. Never logged.
   */
  Optional<String> token();

  /** Set to {@code false} only for local use and demos: the API is then open to anyone. */
  @WithDefault("true")
  boolean authEnabled();
}
