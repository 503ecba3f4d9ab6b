package io.heapfleet.collector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the shared secret for the hourly {@code /heapdump} tokens comes from. The first configured
 * source wins: Secrets Manager, then the file, then the environment variable.
 */
@ConfigMapping(prefix = "heapfleet.collector.token")
public interface TokenConfig {

  /** Name of the environment variable holding the secret. */
  @WithDefault("HEAPFLEET_SECRET")
  String secretEnv();

  /** A file holding the secret (one trailing newline ignored). */
  Optional<Path> secretFile();

  /** An AWS Secrets Manager secret id or ARN whose {@code SecretString} is the secret. */
  Optional<String> secretsManagerId();

  /** The Secrets Manager region; default: the SDK's region chain. */
  Optional<String> secretsManagerRegion();

  /** Endpoint override for Secrets Manager (tests, VPC endpoints). */
  Optional<java.net.URI> secretsManagerEndpointOverride();

  /** How long a secret fetched from Secrets Manager is used before it is fetched again. */
  @WithDefault("15m")
  java.time.Duration secretsManagerRefresh();

  /** The token scope (must match the agents' {@code HEAPFLEET_SCOPE}). */
  @WithDefault("heapdump")
  String scope();

  /** Accept secrets shorter than 32 bytes (legacy deployments only). */
  @WithDefault("false")
  boolean allowWeakSecret();
}
