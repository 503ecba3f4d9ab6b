package io.heapfleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;

/** The browser harness itself: a page served over loopback renders and its canvas is drawn. */
class HeadlessChromiumTest {

  @Test
  void rendersPageAndReadsBackCanvasPixels() throws Exception {
    String html =
        "<!doctype html><title>harness</title><h1 id=t>hello</h1>"
            + "<canvas id=c width=40 height=20></canvas><script>"
            + "const g=document.getElementById('c').getContext('2d');"
            + "g.fillStyle='#c00';g.fillRect(0,0,40,20);</script>";
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        ex -> {
          byte[] body = html.getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    try (HeadlessChromium chromium = HeadlessChromium.startOrSkip()) {
      chromium.driver().get("http://127.0.0.1:" + server.getAddress().getPort() + "/");
      assertThat(chromium.driver().findElement(By.id("t")).getText()).isEqualTo("hello");
      Object painted =
          ((JavascriptExecutor) chromium.driver())
              .executeScript(
                  "return Array.from(document.getElementById('c').getContext('2d')"
                      + ".getImageData(0,0,40,20).data).filter((v,i)=>i%4==0&&v>150).length;");
      assertThat(((Number) painted).intValue()).isEqualTo(800);
      Path shot =
          chromium.screenshot(
              Path.of(System.getProperty("heapfleet.e2e.target", "target"), "harness.png"));
      assertThat(Files.size(shot)).isGreaterThan(100);
    } finally {
      server.stop(0);
    }
  }
}
