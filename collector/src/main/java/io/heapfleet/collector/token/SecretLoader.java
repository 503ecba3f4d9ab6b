package io.heapfleet.collector.token;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heapfleet.auth.Secret;
import io.heapfleet.auth.SecretException;
import io.heapfleet.auth.SecretSource;
import io.heapfleet.collector.config.TokenConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * Loads the shared secret from the first configured source: AWS Secrets Manager ({@code
 * GetSecretValue}, the {@code SecretString}), a file, or an environment variable. Errors name the
 * source (secret id, path, variable), never the value. Thread-safe.
 *
 * <p>A Secrets Manager id of the form {@code secret-id#key} reads one key of a secret stored as a
 * JSON object (as ECS can inject one key of it into the tasks). {@link #previous()} loads the
 * secret the fleet may still hold after a rotation: the {@code AWSPREVIOUS} version of the same
 * secret, or {@code HEAPFLEET_SECRET_PREVIOUS} / {@code HEAPFLEET_SECRET_PREVIOUS_FILE}.
 */
public final class SecretLoader implements Supplier<Secret> {
  /** The environment variable holding the previous secret (file and Secrets Manager aside). */
  public static final String ENV_PREVIOUS = "HEAPFLEET_SECRET_PREVIOUS";

  /** The environment variable naming a file that holds the previous secret. */
  public static final String ENV_PREVIOUS_FILE = "HEAPFLEET_SECRET_PREVIOUS_FILE";

  private static final Logger LOG = Logger.getLogger(SecretLoader.class);
  private static final ObjectMapper JSON = new ObjectMapper();

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

  /**
   * The previous secret, when there is one: Secrets Manager's {@code AWSPREVIOUS} version of the
   * configured secret (none before the first rotation), else {@value #ENV_PREVIOUS_FILE} or {@value
   * #ENV_PREVIOUS}. A failure to read it is logged (without the value) and means "none": the
   * current secret still works for every task that holds it.
   */
  public Optional<Secret> previous() {
    boolean weak = config.allowWeakSecret();
    try {
      if (config.secretsManagerId().isPresent()) {
        return Optional.of(
            fromSecretsManager(config.secretsManagerId().get(), "AWSPREVIOUS", weak));
      }
      if (env.get(ENV_PREVIOUS_FILE) != null && !env.get(ENV_PREVIOUS_FILE).isBlank()) {
        return Optional.of(SecretSource.fromFile(Path.of(env.get(ENV_PREVIOUS_FILE).trim()), weak));
      }
      if (env.get(ENV_PREVIOUS) != null && !env.get(ENV_PREVIOUS).isBlank()) {
        return Optional.of(SecretSource.fromEnv(ENV_PREVIOUS, env, weak));
      }
    } catch (SecretException e) {
      if (!(e.getCause() instanceof ResourceNotFoundException)) {
        LOG.warnf("heapfleet: no previous secret: %s", e.getMessage());
      }
    }
    return Optional.empty();
  }

  private Secret fromSecretsManager(String id, boolean weak) {
    return fromSecretsManager(id, null, weak);
  }

  private Secret fromSecretsManager(String idAndKey, String versionStage, boolean weak) {
    int hash = idAndKey.lastIndexOf('#');
    String id = hash < 0 ? idAndKey : idAndKey.substring(0, hash);
    String key = hash < 0 ? null : idAndKey.substring(hash + 1);
    SecretsManagerClientBuilder builder =
        SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.create());
    config.secretsManagerRegion().map(Region::of).ifPresent(builder::region);
    config.secretsManagerEndpointOverride().ifPresent(builder::endpointOverride);
    try (SecretsManagerClient client = builder.build()) {
      String value =
          client
              .getSecretValue(
                  GetSecretValueRequest.builder().secretId(id).versionStage(versionStage).build())
              .secretString();
      if (value == null) {
        throw new SecretException(
            "Secrets Manager secret "
                + id
                + " has no SecretString (binary secrets are not supported)");
      }
      if (key != null) {
        value = jsonKey(id, key, value);
      }
      return Secret.of(value.strip(), weak);
    } catch (SdkException e) {
      // The SDK's message names the secret id and the error code, not the value.
      throw new SecretException(
          "cannot read Secrets Manager secret "
              + id
              + (versionStage == null ? "" : " (" + versionStage + ")")
              + ": "
              + e.getClass().getSimpleName(),
          e);
    }
  }

  /**
   * The string value of {@code key} in a secret stored as a JSON object; never the value in errors.
   */
  private static String jsonKey(String id, String key, String secretString) {
    JsonNode node;
    try {
      node = JSON.readTree(secretString);
    } catch (JsonProcessingException e) {
      throw new SecretException(
          "Secrets Manager secret " + id + " is not a JSON object, so it has no key '" + key + "'");
    }
    JsonNode value = node == null || !node.isObject() ? null : node.get(key);
    if (value == null || !value.isTextual()) {
      throw new SecretException(
          "Secrets Manager secret " + id + " has no string key '" + key + "' in its JSON");
    }
    return value.asText();
  }
}
