package io.heapfleet.collector.token;

import io.heapfleet.auth.Secret;
import io.heapfleet.auth.SecretException;
import io.heapfleet.auth.SecretSource;
import io.heapfleet.collector.config.TokenConfig;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;

/**
 * Loads the shared secret from the first configured source: AWS Secrets Manager ({@code
 * GetSecretValue}, the {@code SecretString}), a file, or an environment variable. Errors name the
 * source (secret id, path, variable), never the value. Thread-safe.
 */
public final class SecretLoader implements Supplier<Secret> {
  private final TokenConfig config;
  private final Map<String, String> env;

  public SecretLoader(TokenConfig config, Map<String, String> env) {
    this.config = config;
    this.env = env;
  }

  @Override
  public Secret get() {
    boolean weak = config.allowWeakSecret();
    if (config.secretsManagerId().isPresent()) {
      return fromSecretsManager(config.secretsManagerId().get(), weak);
    }
    if (config.secretFile().isPresent()) {
      return SecretSource.fromFile(config.secretFile().get(), weak);
    }
    if (env.get(config.secretEnv()) != null) {
      return SecretSource.fromEnv(config.secretEnv(), env, weak);
    }
    if (!SecretSource.ENV_SECRET.equals(config.secretEnv())
        || env.get(SecretSource.ENV_SECRET_FILE) == null) {
      throw new SecretException(
          "no /heapdump secret configured: set "
              + config.secretEnv()
              + ", heapfleet.collector.token.secret-file or"
              + " heapfleet.collector.token.secrets-manager-id");
    }
    return SecretSource.fromEnvironment(env, weak);
  }

  private Secret fromSecretsManager(String id, boolean weak) {
    SecretsManagerClientBuilder builder =
        SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.create());
    config.secretsManagerRegion().map(Region::of).ifPresent(builder::region);
    config.secretsManagerEndpointOverride().ifPresent(builder::endpointOverride);
    try (SecretsManagerClient client = builder.build()) {
      String value =
          client
              .getSecretValue(GetSecretValueRequest.builder().secretId(id).build())
              .secretString();
      if (value == null) {
        throw new SecretException(
            "Secrets Manager secret "
                + id
                + " has no SecretString (binary secrets are not supported)");
      }
      return Secret.of(value.strip(), weak);
    } catch (SdkException e) {
      // The SDK's message names the secret id and the error code, not the value.
      throw new SecretException(
          "cannot read Secrets Manager secret " + id + ": " + e.getClass().getSimpleName(), e);
    }
  }
}
