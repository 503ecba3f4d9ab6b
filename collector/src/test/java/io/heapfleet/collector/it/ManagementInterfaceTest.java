package io.heapfleet.collector.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Health, metrics and OpenAPI are served on the management interface only: nothing under {@code
 * /q/} answers on the API port, and health says UP or DOWN without target URLs or the bucket
 * (details are off by default).
 */
@QuarkusTest
@QuarkusTestResource(value = TestFleet.class, restrictToAnnotatedClass = false)
class ManagementInterfaceTest {
  private static final String[] MANAGEMENT_PATHS = {
    "/q/health", "/q/health/ready", "/q/health/live", "/q/metrics", "/q/openapi"
  };

  @TestHTTPResource("/")
  URI api;

  @TestHTTPResource(value = "/", management = true)
  URI management;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void managementEndpointsAreNotOnTheApiPort() throws Exception {
    assertThat(management.getPort()).isNotEqualTo(api.getPort());
    for (String path : MANAGEMENT_PATHS) {
      HttpResponse<String> onApi = get(api.resolve(path));
      assertThat(onApi.statusCode()).as("API port " + path).isEqualTo(404);
      assertThat(onApi.body()).as(path).doesNotContain("heapfleet_", "\"checks\"", "openapi:");
      assertThat(get(management.resolve(path)).statusCode())
          .as("management " + path)
          .isEqualTo(200);
    }
    assertThat(get(api.resolve("/q/health/ready?x=1")).statusCode()).isEqualTo(404);
    assertThat(get(api.resolve("/q/dev-ui")).statusCode()).isEqualTo(404);
  }

  @Test
  void healthSaysUpWithoutTargetsOrBucket() throws Exception {
    HttpResponse<String> health = get(management.resolve("/q/health/ready"));
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body())
        .contains("\"discovery\"", "\"s3\"", "\"UP\"")
        .doesNotContain(TestFleet.BUCKET)
        .doesNotContain("bucket")
        .doesNotContain("127.0.0.1")
        .doesNotContain("\"data\"");
  }

  private HttpResponse<String> get(URI uri) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
