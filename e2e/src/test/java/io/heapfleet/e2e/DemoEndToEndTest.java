package io.heapfleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The README's main job, end to end: {@code heapfleet demo --keep-running --json} with short
 * intervals (three real task JVMs, the load balancer, embedded S3, the collector as a child
 * process). The verdict must name the leaking task and class; then the dashboard of that live
 * collector is driven in headless Chromium; finally SIGTERM (what Ctrl-C sends) must stop every
 * process the demo started and free every port.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoEndToEndTest {
  static final String LEAKING_TASK = "orders-1";
  static final String LEAKING_CLASS_PREFIX = "com.acme.";
  static final String LEAKING_OWNER = "com.acme.cart.Cart";

  /** With node on the PATH the demo adds a Node.js task that leaks through a memoize. */
  static final boolean NODE = nodeAvailable();

  static final String NODE_TASK = "orders-node-1";
  static final String NODE_OWNER = "Map held by closure memoized (context variable cache)";

  private DemoRun demo;
  private JsonNode verdict;
  private URI dashboard;

  @BeforeAll
  void runDemo() throws Exception {
    Path data = DemoRun.TARGET.resolve("demo-e2e");
    demo =
        DemoRun.start(
            data, "--rounds", "4", "--interval", "4s", "--json", "--keep-running", "--verbose");
    String line = demo.awaitStderr("dashboard: http", 150);
    dashboard = URI.create(line.substring(line.indexOf("http")).trim());
    verdict = new ObjectMapper().readTree(demo.nextStdoutLine(180));
    demo.awaitStderr("press Ctrl-C", 30);
  }

  private static boolean nodeAvailable() {
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      String v =
          new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return false;
      }
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("^v(\\d+)\\.").matcher(v.trim());
      return m.find() && Integer.parseInt(m.group(1)) >= 18;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @AfterAll
  void stop() {
    if (demo != null) {
      demo.close();
    }
  }

  @Test
  @Order(1)
  void verdictNamesTheLeakingTaskAndItsClass() {
    Map<String, JsonNode> byTask = new HashMap<>();
    verdict.path("tasks").forEach(t -> byTask.put(t.path("task").asText(), t));
    if (NODE) {
      assertThat(byTask)
          .as(verdict.toString())
          .containsOnlyKeys("orders-1", "orders-2", "orders-3", NODE_TASK);
      // The Node.js task leaks through its memoize: judged leaking, with the memoize's Map named.
      JsonNode node = byTask.get(NODE_TASK);
      assertThat(node.path("assessment").asText()).as(verdict.toString()).isEqualTo("leaking");
      assertThat(node.path("topSuspect").asText()).as(verdict.toString()).isEqualTo(NODE_OWNER);
    } else {
      assertThat(byTask)
          .as(verdict.toString())
          .containsOnlyKeys("orders-1", "orders-2", "orders-3");
    }

    JsonNode leak = byTask.get(LEAKING_TASK);
    assertThat(leak.path("assessment").asText()).as(verdict.toString()).isEqualTo("leaking");
    assertThat(leak.path("heapBytesPerHour").asDouble()).isPositive();
    assertThat(leak.path("topSuspect").asText()).startsWith(LEAKING_CLASS_PREFIX);
    // Owner first: byte[] grows fastest, but the class named is the Cart that holds it.
    assertThat(leak.path("topSuspect").asText()).as(verdict.toString()).isEqualTo(LEAKING_OWNER);
    // The cache task: stable once its heap has levelled off, inconclusive while it still fills
    // (a short demo may end before the cache is full); never leaking, never stable while rising.
    JsonNode cache = byTask.get("orders-2");
    assertThat(cache.path("assessment").asText())
        .as(verdict.toString())
        .isIn("stable", "inconclusive");
    assertThat(byTask.get("orders-3").path("assessment").asText())
        .as(verdict.toString())
        .isEqualTo("stable");
    // Leaking tasks come first.
    assertThat(verdict.path("tasks").get(0).path("task").asText()).isEqualTo(LEAKING_TASK);
  }

  @Test
  @Order(2)
  void reportIsWrittenWithMeasuredFacts() throws Exception {
    Path report = Path.of(verdict.path("report").asText());
    assertThat(report).isRegularFile();
    String md = Files.readString(report);
    assertThat(md)
        .startsWith("# Memory Leak Investigation Report")
        .contains("`" + LEAKING_TASK + "`")
        .contains("MiB/h")
        .contains("### 1. Heap Snapshots Collected")
        .contains("**Objects growing between snapshots**")
        .contains(verdict.path("tasks").get(0).path("topSuspect").asText())
        .contains("heapfleet report --task " + LEAKING_TASK)
        .doesNotContain("[Service Name]")
        .doesNotContain("X MB");
  }

  @Test
  @Order(3)
  void fleetPageListsEveryTaskLeakingFirst() throws Exception {
    try (HeadlessChromium chromium = HeadlessChromium.startOrSkip()) {
      WebDriver d = chromium.driver();
      d.get(dashboard.toString());
      List<WebElement> rows = d.findElements(By.cssSelector("#fleet tbody tr"));
      assertThat(rows).hasSize(NODE ? 4 : 3);
      assertThat(rows.get(0).getAttribute("data-task")).isEqualTo(LEAKING_TASK);
      assertThat(rows.get(0).findElement(By.cssSelector(".badge")).getText()).isEqualTo("leaking");
      assertThat(d.findElement(By.id("summary")).getText())
          .contains(NODE ? "2 leaking" : "1 leaking");
      chromium.fullPageScreenshot(DemoRun.TARGET.resolve("dashboard-fleet.png"));
    }
  }

  @Test
  @Order(4)
  void taskPageDrawsTheStackedHeapChartAndTables() throws Exception {
    try (HeadlessChromium chromium = HeadlessChromium.startOrSkip()) {
      WebDriver d = chromium.driver();
      d.get(dashboard.toString());
      d.findElement(By.linkText(LEAKING_TASK)).click();
      assertThat(d.getCurrentUrl()).endsWith("/dashboard/tasks/" + LEAKING_TASK);
      WebElement canvas = d.findElement(By.id("heap-chart"));
      // Chart.js (served from the collector's WebJar) drew one dataset per class + "other".
      assertThat(Integer.parseInt(canvas.getAttribute("data-drawn"))).isGreaterThanOrEqualTo(2);
      Object painted =
          ((JavascriptExecutor) d)
              .executeScript(
                  "const c=document.getElementById('heap-chart');"
                      + "const p=c.getContext('2d').getImageData(0,0,c.width,c.height).data;"
                      + "let n=0;for(let i=3;i<p.length;i+=4){if(p[i]>0)n++;}return n;");
      assertThat(((Number) painted).longValue()).as("painted canvas pixels").isGreaterThan(5000);
      assertThat(d.findElements(By.cssSelector("#suspects tbody tr"))).isNotEmpty();
      // The trend's suspects (what grows; the verdict names who holds it) and the latest diff,
      // biggest growth first.
      assertThat(d.findElement(By.cssSelector("#suspects tbody tr code")).getText()).isNotBlank();
      assertThat(d.findElement(By.cssSelector("#suspects tbody tr")).getText()).contains("MiB/h");
      List<WebElement> diff = d.findElements(By.cssSelector("#diff tbody tr"));
      assertThat(diff).isNotEmpty();
      assertThat(diff.get(0).getAttribute("class")).contains("grows");
      List<WebElement> dumps = d.findElements(By.cssSelector("#dumps tbody tr a"));
      assertThat(dumps).hasSizeGreaterThanOrEqualTo(4);
      chromium.fullPageScreenshot(DemoRun.TARGET.resolve("dashboard-task.png"));

      // The download link serves the dump itself (gzip magic).
      HttpResponse<byte[]> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(dumps.get(0).getAttribute("href")))
                      .timeout(Duration.ofSeconds(30))
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).startsWith((byte) 0x1f, (byte) 0x8b);
    }
  }

  @Test
  @Order(5)
  void sigtermStopsEveryProcessAndFreesEveryPort() throws Exception {
    List<Integer> ports = new ArrayList<>(demo.reportedPorts());
    assertThat(ports).as(demo.stderrText()).hasSizeGreaterThanOrEqualTo(5);
    assertThat(demo.seen).as("children seen while running").hasSizeGreaterThanOrEqualTo(4);
    demo.process.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the JVM runs its shutdown hooks
    assertThat(demo.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    for (ProcessHandle h : demo.seen.values()) {
      h.onExit().get(10, TimeUnit.SECONDS);
      assertThat(h.isAlive()).as("pid " + h.pid()).isFalse();
    }
    for (int port : ports) {
      assertThat(Ports.isFree(port)).as("port " + port + " is free").isTrue();
    }
  }
}
