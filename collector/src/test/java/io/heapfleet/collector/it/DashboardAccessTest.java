package io.heapfleet.collector.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.collector.dashboard.DashboardSession;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dashboard of a collector whose API token is on (the default; {@code dashboard.open} not set),
 * over real HTTP on 127.0.0.1: every page is refused without the token, served with {@code
 * Authorization: Bearer}, and a browser can sign in once at {@code /dashboard/login} and then use
 * the cookie it gets. The cookie does not contain the token and opens only the dashboard.
 */
@QuarkusTest
@QuarkusTestResource(value = TestFleet.class, restrictToAnnotatedClass = false)
class DashboardAccessTest {
  private static final String[] PAGES = {
    "/dashboard", "/dashboard/tasks/leaky-1", "/dashboard/tasks/leaky-1/dumps/x.hprof.gz"
  };

  @TestHTTPResource("/")
  URI base;

  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  @Test
  void pagesAreRefusedWithoutTheToken() throws Exception {
    for (String page : PAGES) {
      HttpResponse<String> r = get(page, "Accept", "text/plain");
      assertThat(r.statusCode()).as(page).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"heapfleet\"");
      assertThat(r.body()).as(page).contains("needs the API token").doesNotContain("leaky-1");
    }
    // A browser gets the sign-in form with the 401.
    HttpResponse<String> browser = get("/dashboard", "Accept", "text/html,*/*");
    assertThat(browser.statusCode()).isEqualTo(401);
    assertThat(browser.body()).contains("<form method=\"post\" action=\"/dashboard/login\"");
    assertThat(get("/dashboard", "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
    assertThat(get("/dashboard", "Cookie", DashboardSession.COOKIE + "=1.abc").statusCode())
        .isEqualTo(401);
  }

  @Test
  void pagesAreServedWithTheBearerToken() throws Exception {
    HttpResponse<String> fleet =
        get("/dashboard", "Authorization", "Bearer " + TestFleet.API_TOKEN);
    assertThat(fleet.statusCode()).as(fleet.body()).isEqualTo(200);
    assertThat(fleet.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(fleet.body()).contains("heapfleet");
  }

  @Test
  void aBrowserSignsInOnceAndUsesTheCookie() throws Exception {
    assertThat(get("/dashboard/login", "Accept", "text/html").statusCode()).isEqualTo(200);

    HttpResponse<String> wrong = login("not-the-token");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();
    assertThat(wrong.body()).contains("not the collector's API token");

    HttpResponse<String> ok = login(TestFleet.API_TOKEN);
    assertThat(ok.statusCode()).isEqualTo(303);
    assertThat(ok.headers().firstValue("Location"))
        .hasValueSatisfying(l -> assertThat(l).endsWith("/dashboard"));
    String setCookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie)
        .startsWith(DashboardSession.COOKIE + "=")
        .contains("Path=/dashboard")
        .contains("HttpOnly")
        .contains("SameSite=Strict")
        .doesNotContain(TestFleet.API_TOKEN);
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));

    for (String page : new String[] {"/dashboard", "/dashboard/tasks/leaky-1"}) {
      HttpResponse<String> r = get(page, "Cookie", cookie);
      assertThat(r.statusCode()).as(page + ": " + r.body()).isNotEqualTo(401).isLessThan(500);
    }
    assertThat(get("/dashboard", "Cookie", cookie).statusCode()).isEqualTo(200);
    // Tampered or expired cookies are refused; the cookie is no API credential.
    String tampered = cookie.substring(0, cookie.length() - 1) + (cookie.endsWith("0") ? "1" : "0");
    assertThat(get("/dashboard", "Cookie", tampered).statusCode()).isEqualTo(401);
    String expired =
        DashboardSession.COOKIE
            + "="
            + DashboardSession.mint(
                TestFleet.API_TOKEN,
                Instant.now().minus(DashboardSession.LIFETIME).minusSeconds(5));
    assertThat(get("/dashboard", "Cookie", expired).statusCode()).isEqualTo(401);
    assertThat(get("/api/tasks", "Cookie", cookie).statusCode()).isEqualTo(401);
  }

  @Test
  void everyPageAndAssetCarriesTheSecurityHeadersAndPagesRunNoInlineScript() throws Exception {
    String bearer = "Bearer " + TestFleet.API_TOKEN;
    List<HttpResponse<String>> responses =
        List.of(
            get("/dashboard", "Authorization", bearer),
            get("/dashboard/tasks/leaky-1", "Authorization", bearer),
            get("/dashboard", "Accept", "text/html"), // 401 with the sign-in form
            get("/dashboard/login", "Accept", "text/html"),
            get("/dashboard-assets/dashboard.css", "Accept", "text/css"),
            get("/dashboard-assets/heap-chart.js", "Accept", "*/*"),
            get("/webjars/chart.js/4.4.1/dist/chart.umd.js", "Accept", "*/*"));
    for (HttpResponse<String> r : responses) {
      String page = r.uri().getPath() + " (" + r.statusCode() + ")";
      assertThat(r.statusCode()).as(page).isIn(200, 401);
      assertThat(r.headers().firstValue("Content-Security-Policy"))
          .as(page)
          .hasValueSatisfying(
              csp ->
                  assertThat(csp)
                      .contains("default-src 'none'")
                      .contains("script-src 'self';")
                      .contains("frame-ancestors 'none'")
                      .doesNotContain("unsafe-inline")
                      .doesNotContain("unsafe-eval"));
      assertThat(r.headers().firstValue("X-Frame-Options")).as(page).contains("DENY");
      assertThat(r.headers().firstValue("X-Content-Type-Options")).as(page).contains("nosniff");
      assertThat(r.headers().firstValue("Referrer-Policy")).as(page).contains("no-referrer");
    }
    for (HttpResponse<String> r : responses.subList(0, 4)) {
      // Scripts only by src= (from this origin) or as inert JSON data.
      Matcher script = Pattern.compile("<script([^>]*)>").matcher(r.body());
      while (script.find()) {
        assertThat(script.group(1))
            .as(r.uri().getPath())
            .matches(" (src=\"/[^\"]+\"|type=\"application/json\" id=\"[a-z-]+\")");
      }
      assertThat(r.body()).as(r.uri().getPath()).doesNotContainPattern(" on[a-z]+=");
      assertThat(r.body()).doesNotContain("style=");
    }
  }

  @Test
  void linksEncodeTheTaskId() throws Exception {
    HttpResponse<String> fleet =
        get("/dashboard", "Authorization", "Bearer " + TestFleet.API_TOKEN);
    assertThat(fleet.body()).contains("href=\"/dashboard/tasks/leaky-1\"");
  }

  private HttpResponse<String> get(String path, String header, String value) throws Exception {
    HttpRequest req =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .header(header, value)
            .GET()
            .build();
    return http.send(req, HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> login(String token) throws Exception {
    HttpRequest req =
        HttpRequest.newBuilder(base.resolve("/dashboard/login"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
            .build();
    return http.send(req, HttpResponse.BodyHandlers.ofString());
  }
}
