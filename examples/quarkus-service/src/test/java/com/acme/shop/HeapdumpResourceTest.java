package com.acme.shop;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.heapfleet.auth.HourlyToken;
import io.heapfleet.auth.Secret;
import io.heapfleet.auth.TaskCredentials;
import io.heapfleet.endpoint.HeapfleetHeaders;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.DataInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The JAX-RS front door in a real Quarkus app on its HTTP port (RestAssured over 127.0.0.1). */
@QuarkusTest
class HeapdumpResourceTest {

  private static String token() {
    return HourlyToken.compute(
        Secret.of("correct-horse-battery-staple-0123456789", false), "heapdump", Instant.now());
  }

  @Test
  void withoutATokenTheAnswerIs401() {
    given().when().get("/heapdump").then().statusCode(401).body("error", equalTo("unauthorized"));
  }

  @Test
  void identityNamesTheConfiguredTask() {
    given()
        .header(HeapfleetHeaders.AUTHORIZATION, HeapfleetHeaders.SCHEME_HOURLY + " " + token())
        .when()
        .get("/heapdump/identity")
        .then()
        .statusCode(200)
        .body("taskId", equalTo("quarkus-test-task"));
  }

  @Test
  void theProofAnswersAChallengeWithoutACredentialAndItsNonceOpensTheIdentityOnce() {
    TaskCredentials creds =
        TaskCredentials.of(Secret.of("correct-horse-battery-staple-0123456789", false), "heapdump");
    String challenge = TaskCredentials.randomHex();
    io.restassured.path.json.JsonPath proof =
        given()
            .header(HeapfleetHeaders.CHALLENGE, challenge)
            .when()
            .get("/heapdump/proof")
            .then()
            .statusCode(200)
            .body("taskId", equalTo("quarkus-test-task"))
            .extract()
            .jsonPath();
    String nonce = proof.getString("nonce");
    assertThat(creds.proofMatches(proof.getString("proof"), challenge, nonce, "quarkus-test-task"))
        .isTrue();
    String capture =
        HeapfleetHeaders.SCHEME_CAPTURE
            + " "
            + nonce
            + "."
            + creds.capture("quarkus-test-task", nonce);
    given()
        .header(HeapfleetHeaders.AUTHORIZATION, capture)
        .when()
        .get("/heapdump/identity")
        .then()
        .statusCode(200);
    given()
        .header(HeapfleetHeaders.AUTHORIZATION, capture)
        .when()
        .get("/heapdump/identity")
        .then()
        .statusCode(401);
    given()
        .header(
            HeapfleetHeaders.AUTHORIZATION,
            HeapfleetHeaders.SCHEME_TASK
                + " "
                + creds.taskToken("quarkus-test-task", Instant.now()))
        .when()
        .get("/heapdump")
        .then()
        .statusCode(401);
  }

  @Test
  void headIsNotADump() {
    given()
        .header(HeapfleetHeaders.AUTHORIZATION, HeapfleetHeaders.SCHEME_HOURLY + " " + token())
        .when()
        .head("/heapdump")
        .then()
        .statusCode(405);
  }

  @Test
  void wrongTargetIs421() {
    given()
        .header(HeapfleetHeaders.AUTHORIZATION, HeapfleetHeaders.SCHEME_HOURLY + " " + token())
        .header(HeapfleetHeaders.TARGET_TASK, "another-task")
        .when()
        .get("/heapdump")
        .then()
        .statusCode(421)
        .header(HeapfleetHeaders.TASK, "quarkus-test-task");
  }

  @Test
  void statsAnswerTheHourlyTokenAndThisTasksTaskTokenWithTheJvmsHeapFigures() {
    TaskCredentials creds =
        TaskCredentials.of(Secret.of("correct-horse-battery-staple-0123456789", false), "heapdump");
    for (String auth :
        new String[] {
          HeapfleetHeaders.SCHEME_HOURLY + " " + token(),
          HeapfleetHeaders.SCHEME_TASK + " " + creds.taskToken("quarkus-test-task", Instant.now())
        }) {
      io.restassured.path.json.JsonPath s =
          given()
              .header(HeapfleetHeaders.AUTHORIZATION, auth)
              .when()
              .get("/heapdump/stats")
              .then()
              .statusCode(200)
              .header(HeapfleetHeaders.TASK, "quarkus-test-task")
              .header("Cache-Control", "no-store")
              .body("taskId", equalTo("quarkus-test-task"))
              .body("runtime", equalTo("jvm"))
              .extract()
              .jsonPath();
      assertThat(s.getLong("heapUsed")).isPositive();
      assertThat(s.getLong("heapMax")).isGreaterThanOrEqualTo(s.getLong("heapUsed"));
      assertThat(s.getString("oldGenPool")).isNotBlank();
      assertThat(s.getLong("gcCount")).isNotNegative();
      assertThat(s.getLong("uptimeMs")).isPositive();
      assertThat(Instant.parse(s.getString("time"))).isBefore(Instant.now().plusSeconds(1));
    }
  }

  @Test
  void statsRefuseMissingOrOtherTasksCredentialsPinningAndOtherMethods() {
    TaskCredentials creds =
        TaskCredentials.of(Secret.of("correct-horse-battery-staple-0123456789", false), "heapdump");
    given()
        .when()
        .get("/heapdump/stats")
        .then()
        .statusCode(401)
        .header("WWW-Authenticate", HeapfleetHeaders.SCHEME_HOURLY)
        .body("error", equalTo("unauthorized"));
    given()
        .header(
            HeapfleetHeaders.AUTHORIZATION,
            HeapfleetHeaders.SCHEME_TASK + " " + creds.taskToken("another-task", Instant.now()))
        .when()
        .get("/heapdump/stats")
        .then()
        .statusCode(401);
    given()
        .header(HeapfleetHeaders.AUTHORIZATION, HeapfleetHeaders.SCHEME_HOURLY + " " + token())
        .header(HeapfleetHeaders.TARGET_TASK, "another-task")
        .when()
        .get("/heapdump/stats")
        .then()
        .statusCode(421)
        .header(HeapfleetHeaders.TASK, "quarkus-test-task")
        .body("taskId", equalTo("quarkus-test-task"));
    given()
        .header(HeapfleetHeaders.AUTHORIZATION, HeapfleetHeaders.SCHEME_HOURLY + " " + token())
        .when()
        .head("/heapdump/stats")
        .then()
        .statusCode(405);
    given()
        .header(HeapfleetHeaders.AUTHORIZATION, HeapfleetHeaders.SCHEME_HOURLY + " " + token())
        .when()
        .post("/heapdump/stats")
        .then()
        .statusCode(405);
  }

  @TestHTTPResource("/heapdump")
  URI heapdump;

  @Test
  void aTokenGetsAGzippedHprofWithTheLeakInIt() throws Exception {
    given().when().post("/carts").then().statusCode(200);
    // java.net.http streams the body (RestAssured would buffer the whole dump).
    HttpResponse<InputStream> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(heapdump)
                    .header(
                        HeapfleetHeaders.AUTHORIZATION,
                        HeapfleetHeaders.SCHEME_HOURLY + " " + token())
                    .build(),
                HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Disposition").orElseThrow())
        .startsWith("attachment; filename=\"quarkus-test-task-");
    try (DataInputStream in = new DataInputStream(new GZIPInputStream(r.body(), 65536))) {
      byte[] magic = new byte[19];
      in.readFully(magic);
      assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("JAVA PROFILE 1.0.2\0");
      assertThat(in.readInt()).isIn(4, 8);
      // The leaking class is in the dump's string table; scan without holding the dump.
      assertThat(contains(in, "com/acme/shop/Cart".getBytes(StandardCharsets.US_ASCII))).isTrue();
    }
    // The temp file (heapfleet.temp-dir) is deleted once the stream is done.
    java.nio.file.Path tmp = java.nio.file.Path.of("target", "heapdump-tmp");
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (listCount(tmp) > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(listCount(tmp)).isZero();
  }

  private static long listCount(java.nio.file.Path dir) throws java.io.IOException {
    try (var s = java.nio.file.Files.list(dir)) {
      return s.count();
    }
  }

  private static boolean contains(InputStream in, byte[] needle) throws java.io.IOException {
    byte[] buf = new byte[1 << 16];
    int keep = 0;
    int n;
    boolean found = false;
    while ((n = in.read(buf, keep, buf.length - keep)) != -1) {
      int len = keep + n;
      if (!found && indexOf(buf, len, needle) >= 0) {
        found = true;
      }
      keep = Math.min(needle.length - 1, len);
      System.arraycopy(buf, len - keep, buf, 0, keep);
    }
    return found;
  }

  private static int indexOf(byte[] hay, int len, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= len; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
