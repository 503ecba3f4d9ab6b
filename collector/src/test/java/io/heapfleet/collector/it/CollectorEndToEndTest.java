package io.heapfleet.collector.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import io.heapfleet.collector.service.SeriesAnalysis;
import io.heapfleet.collector.state.FleetState;
import io.heapfleet.collector.state.TaskStatus;
import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.S3Settings;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The collector as deployed, on 127.0.0.1: Quarkus app, static discovery of three real task JVMs
 * with the agent (one leaking fast), in-process S3. The test drives capture rounds through the API,
 * then checks the assessment, the API, the objects in S3, the metrics, and a restart from S3.
 */
@QuarkusTest
@QuarkusTestResource(value = TestFleet.class, restrictToAnnotatedClass = false)
class CollectorEndToEndTest {
  static final int ROUNDS = 4;

  /** The management interface: health, metrics and OpenAPI (not on the API port). */
  @TestHTTPResource(value = "/", management = true)
  URI management;

  static RequestSpecification api() {
    return given().header("Authorization", "Bearer " + TestFleet.API_TOKEN);
  }

  @Test
  void capturesEveryTaskStoresDiffsTrendsAndFindsTheLeakingOne() throws Exception {
    // Security: the API is closed without the token; health and metrics are open on the
    // management interface.
    given().get("/api/tasks").then().statusCode(401).body("error", equalTo("unauthorized"));
    given().header("Authorization", "Bearer wrong").get("/api/fleet").then().statusCode(401);
    given()
        .get(management.resolve("/q/health/ready"))
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"));
    given()
        .get(management.resolve("/q/openapi"))
        .then()
        .statusCode(200)
        .body(containsString("/api/tasks/{id}/trend"));
    api().post("/api/tasks/no-such-task/capture").then().statusCode(404);

    awaitLive(3);
    // Every static target proved its identity: nothing refused, nothing disputed.
    given().get("/api/conflicts").then().statusCode(401);
    api()
        .get("/api/conflicts")
        .then()
        .statusCode(200)
        .body("duplicateClaims.size()", equalTo(0))
        .body("untrusted.size()", equalTo(0));
    for (int round = 1; round <= ROUNDS; round++) {
      long started = System.nanoTime();
      for (String task : TestFleet.TASK_IDS) {
        api().post("/api/tasks/" + task + "/capture").then().statusCode(202);
      }
      awaitSnapshots(round);
      // Keys have whole-second time stamps, and the leak needs time to show.
      long left = 1500 - Duration.ofNanos(System.nanoTime() - started).toMillis();
      if (left > 0) {
        Thread.sleep(left);
      }
    }

    JsonPath tasks = api().get("/api/tasks").then().statusCode(200).extract().jsonPath();
    Map<String, Map<String, Object>> byId =
        tasks.getList("", Map.class).stream()
            .map(m -> (Map<String, Object>) m)
            .collect(Collectors.toMap(m -> (String) m.get("taskId"), m -> m));
    assertThat(byId.get("leaky-1").get("assessment"))
        .as(byId.get("leaky-1").toString())
        .isEqualTo("leaking");
    // Carts hold their session snapshots as byte[] and their ids as Strings: those grow with
    // them. The first application class among the growing ones is the leaking Cart.
    List<String> growing = (List<String>) byId.get("leaky-1").get("growing");
    assertThat(growing).as(growing.toString()).first().isEqualTo("byte[]");
    assertThat(growing.stream().filter(c -> c.startsWith("com.acme.")).findFirst())
        .as(growing.toString())
        .contains("com.acme.cart.Cart");
    assertThat(byId.get("quiet-1").get("assessment"))
        .as(byId.get("quiet-1").toString())
        .isEqualTo("stable");
    assertThat(byId.get("plateau-1").get("assessment"))
        .as(byId.get("plateau-1").toString())
        .isEqualTo("stable");
    // Its recent growth is served beside the whole-series slope (which includes the warm-up).
    assertThat(byId.get("plateau-1")).containsKey("recentGrowthMbPerHour").containsKey("flatSince");
    // Bytes per hour beside the MB (10^6 bytes) fields kept for compatibility: the same slope.
    Map<String, Object> leaky = byId.get("leaky-1");
    double bytesPerHour = ((Number) leaky.get("growthBytesPerHour")).doubleValue();
    assertThat(bytesPerHour).as(leaky.toString()).isPositive();
    // (JsonPath reads JSON numbers as floats: compare to a float's precision.)
    assertThat(((Number) leaky.get("growthMbPerHour")).doubleValue())
        .isCloseTo(bytesPerHour / 1e6, org.assertj.core.data.Percentage.withPercentage(0.001));
    assertThat(byId.get("plateau-1")).containsKey("recentGrowthBytesPerHour");
    assertThat(((Number) byId.get("leaky-1").get("heapUsedBytes")).longValue()).isPositive();
    assertThat(byId.get("leaky-1").get("service")).isEqualTo("leaky");

    api()
        .get("/api/fleet")
        .then()
        .statusCode(200)
        .body("liveTasks", equalTo(3))
        .body("leaking.size()", equalTo(1))
        .body("leaking[0].taskId", equalTo("leaky-1"))
        .body("stable", equalTo(2));
    api()
        .get("/api/tasks/leaky-1/snapshots")
        .then()
        .statusCode(200)
        .body("size()", equalTo(ROUNDS));
    api()
        .get("/api/tasks/leaky-1/trend")
        .then()
        .statusCode(200)
        .body("assessment", equalTo("leaking"))
        .body("suspects.class", hasItem("com.acme.cart.Cart"));
    // The leaking task's newest dump is analysed deeply in the background: the trend gains who
    // holds the suspects (owner, retainedBytes, path), and deep.json is stored beside it.
    JsonPath deepTrend = awaitOwners("leaky-1");
    List<String> owners = deepTrend.getList("suspects.owner");
    assertThat(owners)
        .as(deepTrend.prettify())
        .containsAnyOf("com.acme.cart.Cart", "com.acme.cart.CartStore");
    List<Map<String, Object>> withOwner =
        deepTrend.<Map<String, Object>>getList("suspects").stream()
            .filter(m -> m.get("owner") != null)
            .toList();
    assertThat(withOwner)
        .allSatisfy(
            m -> {
              assertThat(((Number) m.get("retainedBytes")).longValue()).isPositive();
              assertThat((List<?>) m.get("path")).isNotEmpty();
            });
    assertThat(deepTrend.prettify()).contains("static com.acme.cart.CartStore.");
    // Owner first: byte[] grows fastest, but the thing named first is the Cart that holds it and
    // the static map that holds the carts, with the growth of what the carts hold added up.
    assertThat(deepTrend.getString("owners[0].owner"))
        .as(deepTrend.prettify())
        .isEqualTo("com.acme.cart.Cart");
    assertThat(deepTrend.getString("owners[0].holder"))
        .isEqualTo("static com.acme.cart.CartStore.CARTS");
    assertThat(deepTrend.getList("owners[0].classes", String.class))
        .contains("byte[]", "com.acme.cart.Cart");
    double ownerRate = deepTrend.getDouble("owners[0].bytesPerHour");
    double byteArrayRate =
        deepTrend.<Map<String, Object>>getList("suspects").stream()
            .filter(m -> "byte[]".equals(m.get("class")))
            .mapToDouble(m -> ((Number) m.get("bytesPerHour")).doubleValue())
            .findFirst()
            .orElseThrow();
    assertThat(ownerRate).isGreaterThan(byteArrayRate);
    assertOwnerFirst(
        api().get("/api/tasks/leaky-1").then().statusCode(200).extract().jsonPath(), "");
    assertOwnerFirst(
        api().get("/api/fleet").then().statusCode(200).extract().jsonPath(), "leaking[0].");
    api()
        .get("/api/tasks/leaky-1/trend.md")
        .then()
        .statusCode(200)
        .body(
            containsString(
                "**`static com.acme.cart.CartStore.CARTS` (java.util.concurrent.ConcurrentHashMap,"));
    // A task without owners keeps its growing class as topSuspect (and says nothing of holders).
    api()
        .get("/api/tasks/quiet-1")
        .then()
        .statusCode(200)
        .body("topSuspectHolder", nullValue())
        .body("owners.size()", equalTo(0));
    String taskPage =
        api().get("/dashboard/tasks/leaky-1").then().statusCode(200).extract().asString();
    assertThat(taskPage)
        .contains(
            "id=\"headline\">static com.acme.cart.CartStore.CARTS"
                + " (java.util.concurrent.ConcurrentHashMap, +")
        .contains("id=\"owners\"")
        .contains("id=\"stats-chart\"")
        .contains("<script type=\"application/json\" id=\"stats-data\">{\"time\":[");
    // The stats series over real HTTP: closed without the token, columnar with it.
    given()
        .get("/api/tasks/leaky-1/stats")
        .then()
        .statusCode(401)
        .body("error", equalTo("unauthorized"));
    JsonPath stats =
        api()
            .get("/api/tasks/leaky-1/stats")
            .then()
            .statusCode(200)
            .contentType(containsString("application/json"))
            .extract()
            .jsonPath();
    assertThat(stats.getString("taskId")).isEqualTo("leaky-1");
    assertThat(stats.getLong("heapMax")).isPositive();
    int samples = stats.getList("time").size();
    assertThat(samples).isPositive();
    for (String column : List.of("oldGenAfterGc", "oldGenUsed", "heapUsed", "majorGcCount")) {
      assertThat(stats.getList(column)).as(column).hasSize(samples);
    }
    assertThat(stats.getLong("heapUsed[-1]")).isPositive();
    assertThat(stats.getLong("oldGenUsed[-1]")).isPositive();
    api().get("/api/tasks/no-such-task/stats").then().statusCode(404);
    api()
        .get("/api/tasks/leaky-1/trend.md")
        .then()
        .statusCode(200)
        .body(containsString("### Who holds them"));
    // A stable trend names no owners (even if an early, short trend looked leaking).
    api()
        .get("/api/tasks/quiet-1/trend")
        .then()
        .statusCode(200)
        .body("suspects.owner", everyItem(nullValue()));
    api()
        .get("/api/tasks/leaky-1/trend.md")
        .then()
        .statusCode(200)
        .body(containsString("com.acme.cart.Cart"));
    api()
        .get("/api/tasks/leaky-1/diff")
        .then()
        .statusCode(200)
        .body("classes.class", hasItem("com.acme.cart.Cart"))
        .body("bytesDelta", greaterThan(0));

    // S3 holds dumps, summaries, diff and trend under the documented keys.
    try (S3Client s3 = DumpStore.create(s3Settings()).client()) {
      for (String task : TestFleet.TASK_IDS) {
        String prefix = "heapdumps/it/" + TestFleet.service(task) + "/" + task + "/";
        List<String> keys =
            s3.listObjectsV2(b -> b.bucket(TestFleet.BUCKET).prefix(prefix)).contents().stream()
                .map(S3Object::key)
                .map(k -> k.substring(prefix.length()))
                .toList();
        assertThat(keys.stream().filter(k -> k.matches("\\d{8}T\\d{6}Z\\.hprof\\.gz")))
            .hasSize(ROUNDS);
        assertThat(keys.stream().filter(k -> k.matches("\\d{8}T\\d{6}Z\\.summary\\.json")))
            .hasSize(ROUNDS);
        assertThat(keys).contains("diff.json", "diff.md", "trend.json", "trend.md");
        if (task.equals("leaky-1")) {
          // (A stable task may have one too, when an early short trend looked leaking.)
          assertThat(keys).contains("deep.json");
        }
      }
      assertThat(s3.listMultipartUploads(b -> b.bucket(TestFleet.BUCKET)).uploads()).isEmpty();
    }

    // Metrics an alert can use.
    String metrics =
        given().get(management.resolve("/q/metrics")).then().statusCode(200).extract().asString();
    assertThat(metrics).contains("heapfleet_captures_total{outcome=\"stored\"} " + (3.0 * ROUNDS));
    assertThat(metrics)
        .containsPattern("heapfleet_task_leaking\\{[^}]*task=\"leaky-1\"[^}]*\\} 1\\.0");
    assertThat(metrics)
        .containsPattern("heapfleet_task_leaking\\{[^}]*task=\"quiet-1\"[^}]*\\} 0\\.0");
    assertThat(metrics)
        .containsPattern("heapfleet_task_heap_growth_mb_per_hour\\{[^}]*task=\"leaky-1\"");
    // The base-unit gauge: the leaking task's heap grows by a positive number of bytes a second.
    assertThat(metrics)
        .containsPattern(
            "heapfleet_task_heap_growth_bytes_per_second\\{[^}]*task=\"leaky-1\"[^}]*\\} [1-9]");
    assertThat(metrics).contains("heapfleet_capture_bytes_total");

    // A restarted collector rebuilds the same picture from S3 alone (summaries only).
    try (DumpStore store = DumpStore.create(s3Settings().withPrefix("heapdumps"))) {
      FleetState fresh = new FleetState();
      new SeriesAnalysis(store, 48).restoreInto(fresh);
      Map<String, TaskStatus> restored =
          fresh.tasks(id -> null).stream().collect(Collectors.toMap(TaskStatus::taskId, t -> t));
      assertThat(restored).containsOnlyKeys("leaky-1", "quiet-1", "plateau-1");
      assertThat(restored.get("leaky-1").snapshots()).isEqualTo(ROUNDS);
      assertThat(restored.get("leaky-1").assessment()).isEqualTo("leaking");
      assertThat(restored.get("quiet-1").assessment()).isEqualTo("stable");
      assertThat(restored.get("leaky-1").service()).isEqualTo("leaky");
    }
    // ... including who holds the leak: the owners come back from the stored deep.json.
    try (DumpStore store = DumpStore.create(s3Settings().withPrefix("heapdumps"))) {
      SeriesAnalysis restarted = new SeriesAnalysis(store, 48);
      restarted.restoreInto(new FleetState());
      var restoredOwners = restarted.growingOwners("leaky-1");
      assertThat(restoredOwners).as(restoredOwners.toString()).isNotEmpty();
      assertThat(restoredOwners.get(0).owner()).isEqualTo("com.acme.cart.Cart");
      assertThat(restoredOwners.get(0).holder()).isEqualTo("static com.acme.cart.CartStore.CARTS");
      assertThat(restarted.owners("leaky-1")).containsKey("byte[]");
      assertThat(restarted.growingOwners("quiet-1")).isEmpty();
    }
  }

  /** {@code topSuspect} of the leaking task is the owner and its holder, not {@code byte[]}. */
  private static void assertOwnerFirst(JsonPath json, String at) {
    assertThat(json.getString(at + "taskId")).as(json.prettify()).isEqualTo("leaky-1");
    assertThat(json.getString(at + "topSuspect"))
        .as(json.prettify())
        .isEqualTo("com.acme.cart.Cart");
    assertThat(json.getString(at + "topSuspectHolder"))
        .isEqualTo("static com.acme.cart.CartStore.CARTS");
    // The headline is the accumulation point: the map the carts pile up in, and its static.
    assertThat(json.getString(at + "topSuspectHeadline"))
        .startsWith(
            "static com.acme.cart.CartStore.CARTS (java.util.concurrent.ConcurrentHashMap, +")
        .contains("entries/dump): +")
        .contains("byte[]")
        .contains("Cart");
    assertThat(json.getString(at + "owners[0].owner")).isEqualTo("com.acme.cart.Cart");
    // The TaskStatus fields are still there, flat, under their names.
    assertThat(json.getString(at + "assessment")).isEqualTo("leaking");
    assertThat(json.getList(at + "growing", String.class)).first().isEqualTo("byte[]");
  }

  /** The in-process S3 of {@link TestFleet} (credentials from the aws.* system properties). */
  static S3Settings s3Settings() {
    return S3Settings.of(TestFleet.BUCKET)
        .withEndpoint(URI.create(System.getProperty("heapfleet.test.s3.endpoint")))
        .withRegion(System.getProperty("heapfleet.test.s3.region"))
        .withPathStyle(true);
  }

  /** The task's trend once the deep analysis has added owners to it. */
  private static JsonPath awaitOwners(String task) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(90);
    JsonPath trend = null;
    while (Instant.now().isBefore(deadline)) {
      trend =
          api().get("/api/tasks/" + task + "/trend").then().statusCode(200).extract().jsonPath();
      List<Object> owners = trend.getList("suspects.owner");
      if (owners != null && owners.stream().anyMatch(o -> o != null)) {
        awaitDeepTempDirEmpty();
        return trend;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        "the deep analysis added no owners to the trend of " + task + ": " + trend.prettify());
  }

  /** The deep analysis deletes its downloaded dump and spill files (checked once it is done). */
  private static void awaitDeepTempDirEmpty() throws InterruptedException {
    java.nio.file.Path deepDir =
        java.nio.file.Path.of(System.getProperty(TestFleet.DEEP_DIR_PROPERTY));
    Instant deadline = Instant.now().plusSeconds(30);
    List<java.nio.file.Path> left = List.of();
    while (Instant.now().isBefore(deadline)) {
      try (var files = java.nio.file.Files.walk(deepDir)) {
        left = files.filter(p -> !p.equals(deepDir)).toList();
      } catch (java.io.IOException e) {
        left = List.of(); // never created: nothing left
      }
      if (left.isEmpty()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the deep analysis left files behind: " + left);
  }

  private static void awaitLive(int n) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline)) {
      List<Boolean> live =
          api().get("/api/tasks").then().statusCode(200).extract().jsonPath().getList("live");
      if (live.stream().filter(Boolean::booleanValue).count() == n) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "discovery did not find " + n + " tasks: " + api().get("/api/tasks").asString());
  }

  private static void awaitSnapshots(int n) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      List<Integer> counts =
          api().get("/api/tasks").then().statusCode(200).extract().jsonPath().getList("snapshots");
      if (counts.size() == 3 && counts.stream().allMatch(c -> c >= n)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "round " + n + " did not finish: " + api().get("/api/tasks").asString());
  }
}
