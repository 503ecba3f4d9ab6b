package io.heapfleet.collector.token;

import io.heapfleet.collector.config.TokenConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The token settings of the secret-loading tests: a secret file and/or a Secrets Manager secret id,
 * read from the stand-in at {@code endpoint} in eu-west-1 and refreshed every 15 minutes; the
 * environment variable {@code HEAPFLEET_SECRET}, scope {@code heapdump}, weak secrets refused.
 * Immutable.
 */
record TestTokenConfig(Optional<Path> secretFile, Optional<String> secretsManagerId, URI endpoint)
    implements TokenConfig {

  @Override
  public String secretEnv() {
    return "HEAPFLEET_SECRET";
  }

  @Override
  public Optional<String> secretsManagerRegion() {
    return Optional.of("eu-west-1");
  }

  @Override
  public Optional<URI> secretsManagerEndpointOverride() {
    return Optional.of(endpoint);
  }

  @Override
  public Duration secretsManagerRefresh() {
    return Duration.ofMinutes(15);
  }

  @Override
  public String scope() {
    return "heapdump";
  }

  @Override
  public boolean allowWeakSecret() {
    return false;
  }
}
