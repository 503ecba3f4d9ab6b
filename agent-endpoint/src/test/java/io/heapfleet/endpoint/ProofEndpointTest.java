package io.heapfleet.endpoint;

import static io.heapfleet.endpoint.TestSupport.SECRET;
import static io.heapfleet.endpoint.TestSupport.token;
import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.auth.HourlyToken;
import io.heapfleet.auth.TaskCredentials;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The identity proof and the task-bound credentials (docs/proof.md) through the javaagent's HTTP
 * server over real HTTP on 127.0.0.1; the dumper counts dumps instead of taking them.
 */
class ProofEndpointTest {

  private static final TaskCredentials CREDS = TaskCredentials.of(SECRET, "heapdump");

  @TempDir Path tmp;
  @RegisterExtension final LocalAgentServer server = new LocalAgentServer();
  private final AtomicInteger dumps = new AtomicInteger();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private URI start(String taskId, boolean acceptHourly) throws IOException {
    EndpointSettings settings =
        LocalAgentServer.settings(tmp).acceptHourlyToken(acceptHourly).build();
    TaskIdentity identity =
        new TaskIdentity(taskId, null, "prod", "orders", null, null, null, "JVM");
    HeapDumper counting =
        (file, live) -> {
          dumps.incrementAndGet();
          java.nio.file.Files.write(file, new byte[] {1, 2, 3});
        };
    return server.start(HeapdumpEndpoint.builder(settings, identity).dumper(counting).build());
  }

  private HttpResponse<String> get(URI uri, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri);
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private Map<String, Object> prove(URI base, String challenge) throws Exception {
    HttpResponse<String> r =
        get(URI.create(base + "/heapdump/proof"), Map.of(HeapfleetHeaders.CHALLENGE, challenge));
    assertThat(r.statusCode()).isEqualTo(200);
    return Json.parseObject(r.body());
  }

  private static String capture(String taskId, String nonce) {
    return HeapfleetHeaders.SCHEME_CAPTURE + " " + nonce + "." + CREDS.capture(taskId, nonce);
  }

  @Test
  void proofAnswersTheChallengeWithAnHmacOverItsOwnIdAndAFreshNonceAndNothingElse()
      throws Exception {
    URI base = start("task-a", true);
    String challenge = TaskCredentials.randomHex();
    Map<String, Object> first = prove(base, challenge);
    Map<String, Object> second = prove(base, challenge);
    assertThat(first.keySet()).containsExactlyInAnyOrder("taskId", "challenge", "nonce", "proof");
    assertThat(first).containsEntry("taskId", "task-a").containsEntry("challenge", challenge);
    String nonce = (String) first.get("nonce");
    assertThat(TaskCredentials.isValidNonce(nonce)).isTrue();
    assertThat(second.get("nonce")).isNotEqualTo(nonce);
    assertThat(CREDS.proofMatches((String) first.get("proof"), challenge, nonce, "task-a"))
        .isTrue();
    HttpResponse<String> r =
        get(URI.create(base + "/heapdump/proof"), Map.of(HeapfleetHeaders.CHALLENGE, challenge));
    assertThat(r.headers().map().keySet())
        .noneMatch(h -> h.toLowerCase().matches("x-heapdump-(cluster|service|jvm|family).*"));
  }

  @Test
  void proofWithoutOrWithAMalformedChallengeIs400() throws Exception {
    URI base = start("task-a", true);
    URI proof = URI.create(base + "/heapdump/proof");
    assertThat(get(proof, Map.of()).statusCode()).isEqualTo(400);
    assertThat(get(proof, Map.of(HeapfleetHeaders.CHALLENGE, "0011")).statusCode()).isEqualTo(400);
    assertThat(get(proof, Map.of(HeapfleetHeaders.CHALLENGE, "Z".repeat(32))).statusCode())
        .isEqualTo(400);
  }

  @Test
  void proofPinnedToAnotherTaskIs421() throws Exception {
    URI base = start("task-a", true);
    HttpResponse<String> r =
        get(
            URI.create(base + "/heapdump/proof"),
            Map.of(
                HeapfleetHeaders.CHALLENGE,
                TaskCredentials.randomHex(),
                HeapfleetHeaders.TARGET_TASK,
                "task-b"));
    assertThat(r.statusCode()).isEqualTo(421);
    assertThat(Json.parseObject(r.body())).containsEntry("taskId", "task-a");
  }

  @Test
  void aCaptureCredentialOpensOneDumpOnceAndIsConsumedEvenWhenRefusedLater() throws Exception {
    URI base = start("task-a", true);
    String nonce = (String) prove(base, TaskCredentials.randomHex()).get("nonce");
    URI dump = URI.create(base + "/heapdump?format=raw");
    HttpResponse<String> first =
        get(dump, Map.of(HeapfleetHeaders.AUTHORIZATION, capture("task-a", nonce)));
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(dumps).hasValue(1);
    HttpResponse<String> replay =
        get(dump, Map.of(HeapfleetHeaders.AUTHORIZATION, capture("task-a", nonce)));
    assertThat(replay.statusCode()).isEqualTo(401);
    assertThat(
            get(
                    URI.create(base + "/heapdump/identity"),
                    Map.of(HeapfleetHeaders.AUTHORIZATION, capture("task-a", nonce)))
                .statusCode())
        .isEqualTo(401);
    assertThat(dumps).hasValue(1);
  }

  @Test
  void aCaptureCredentialForAnotherTaskOrANonceNeverIssuedIs401AndLeavesTheNonceForItsHolder()
      throws Exception {
    URI base = start("task-a", true);
    String nonce = (String) prove(base, TaskCredentials.randomHex()).get("nonce");
    URI dump = URI.create(base + "/heapdump");
    assertThat(
            get(dump, Map.of(HeapfleetHeaders.AUTHORIZATION, capture("task-b", nonce)))
                .statusCode())
        .isEqualTo(401);
    String invented = TaskCredentials.randomHex();
    assertThat(
            get(dump, Map.of(HeapfleetHeaders.AUTHORIZATION, capture("task-a", invented)))
                .statusCode())
        .isEqualTo(401);
    assertThat(
            get(
                    dump,
                    Map.of(
                        HeapfleetHeaders.AUTHORIZATION,
                        HeapfleetHeaders.SCHEME_CAPTURE + " " + nonce))
                .statusCode())
        .isEqualTo(401);
    assertThat(dumps).hasValue(0);
    assertThat(
            get(
                    URI.create(base + "/heapdump/identity"),
                    Map.of(HeapfleetHeaders.AUTHORIZATION, capture("task-a", nonce)))
                .statusCode())
        .as("the rightful holder still can use it once")
        .isEqualTo(200);
  }

  @Test
  void aCaptureCredentialPinnedToAnotherTaskGets421AndIsNotConsumed() throws Exception {
    URI base = start("task-a", true);
    String nonce = (String) prove(base, TaskCredentials.randomHex()).get("nonce");
    URI dump = URI.create(base + "/heapdump");
    HttpResponse<String> r =
        get(
            dump,
            Map.of(
                HeapfleetHeaders.AUTHORIZATION,
                capture("task-b", nonce),
                HeapfleetHeaders.TARGET_TASK,
                "task-b"));
    assertThat(r.statusCode()).isEqualTo(421);
    assertThat(
            get(dump, Map.of(HeapfleetHeaders.AUTHORIZATION, capture("task-a", nonce)))
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void theTaskTokenOpensTheIdentityOfItsOwnTaskOnlyAndNeverTheDump() throws Exception {
    URI base = start("task-a", true);
    String own = HeapfleetHeaders.SCHEME_TASK + " " + CREDS.taskToken("task-a", Instant.now());
    String other = HeapfleetHeaders.SCHEME_TASK + " " + CREDS.taskToken("task-b", Instant.now());
    URI identity = URI.create(base + "/heapdump/identity");
    HttpResponse<String> r = get(identity, Map.of(HeapfleetHeaders.AUTHORIZATION, own));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(Json.parseObject(r.body())).containsEntry("taskId", "task-a");
    assertThat(get(identity, Map.of(HeapfleetHeaders.AUTHORIZATION, other)).statusCode())
        .isEqualTo(401);
    assertThat(
            get(URI.create(base + "/heapdump"), Map.of(HeapfleetHeaders.AUTHORIZATION, own))
                .statusCode())
        .isEqualTo(401);
    assertThat(dumps).hasValue(0);
  }

  @Test
  void refusingTheHourlyTokenLeavesOnlyTheProofBasedCredentials() throws Exception {
    URI base = start("task-a", false);
    String hourly = HourlyToken.compute(SECRET, "heapdump", Instant.now());
    assertThat(
            get(
                    URI.create(base + "/heapdump"),
                    Map.of(
                        HeapfleetHeaders.AUTHORIZATION,
                        HeapfleetHeaders.SCHEME_HOURLY + " " + hourly))
                .statusCode())
        .isEqualTo(401);
    assertThat(get(URI.create(base + "/heapdump?hash=" + hourly), Map.of()).statusCode())
        .isEqualTo(401);
    assertThat(
            get(
                    URI.create(base + "/heapdump/identity"),
                    Map.of(
                        HeapfleetHeaders.AUTHORIZATION,
                        HeapfleetHeaders.SCHEME_HOURLY + " " + token()))
                .statusCode())
        .isEqualTo(401);
    String nonce = (String) prove(base, TaskCredentials.randomHex()).get("nonce");
    assertThat(
            get(
                    URI.create(base + "/heapdump"),
                    Map.of(HeapfleetHeaders.AUTHORIZATION, capture("task-a", nonce)))
                .statusCode())
        .isEqualTo(200);
    assertThat(dumps).hasValue(1);
  }

  @Test
  void pathsAndMethodAreMatchedExactly() throws Exception {
    URI base = start("task-a", true);
    Map<String, String> auth =
        Map.of(HeapfleetHeaders.AUTHORIZATION, HeapfleetHeaders.SCHEME_HOURLY + " " + token());
    assertThat(get(URI.create(base + "/heapdumpXX/heapdump/identity"), auth).statusCode())
        .isEqualTo(404);
    assertThat(get(URI.create(base + "/x/heapdump"), auth).statusCode()).isEqualTo(404);
    HttpResponse<String> notFound = get(URI.create(base + "/heapdump/nope"), Map.of());
    assertThat(notFound.statusCode()).isEqualTo(404);
    assertThat(notFound.headers().firstValue(HeapfleetHeaders.CLUSTER)).isEmpty();
    HttpResponse<String> lower =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/heapdump"))
                .method("get", HttpRequest.BodyPublishers.noBody())
                .header(
                    HeapfleetHeaders.AUTHORIZATION, HeapfleetHeaders.SCHEME_HOURLY + " " + token())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(lower.statusCode()).isEqualTo(405);
    assertThat(dumps).hasValue(0);
  }
}
