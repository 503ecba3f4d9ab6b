package io.heapfleet.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Debian Chromium driven through Selenium and Debian's own chromedriver, with a
 * fresh profile directory and everything that would reach the network switched off (the tests run
 * offline). Selenium Manager is never consulted: both binaries are given explicitly.
 *
 * <p>Tests call {@link #startOrSkip()}: where {@code /usr/bin/chromium} or {@code
 * /usr/bin/chromedriver} is absent the test is skipped with that reason ({@code .ci/run} installs
 * both, so CI always runs it). Not thread-safe; one per test class.
 */
final class HeadlessChromium implements AutoCloseable {
  static final Path CHROMIUM =
      Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER =
      Path.of(System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver"));

  private final Path profile;
  private final ChromeDriverService service;
  private final ChromeDriver driver;

  private HeadlessChromium(Path profile, ChromeDriverService service, ChromeDriver driver) {
    this.profile = profile;
    this.service = service;
    this.driver = driver;
  }

  /** Starts Chromium, or skips the calling test (JUnit assumption) when it is not installed. */
  static HeadlessChromium startOrSkip() throws IOException {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "needs Debian chromium + chromium-driver ("
            + CHROMIUM
            + ", "
            + CHROMEDRIVER
            + "); .ci/run installs them: apt-get install -y chromium chromium-driver");
    Path profile = Files.createTempDirectory("heapfleet-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--no-default-browser-check",
        "--window-size=1280,1000",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    try {
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
      driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
      return new HeadlessChromium(profile, service, driver);
    } catch (RuntimeException e) {
      service.stop();
      deleteTree(profile);
      throw e;
    }
  }

  WebDriver driver() {
    return driver;
  }

  /** Saves a PNG of the current viewport to {@code file} (parent directories created). */
  Path screenshot(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    byte[] png = driver.getScreenshotAs(OutputType.BYTES);
    Files.write(file, png);
    return file;
  }

  /** A full-height screenshot: resizes the window to the page's scroll height first. */
  Path fullPageScreenshot(Path file) throws IOException {
    Object height =
        driver.executeScript(
            "return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight);");
    long h = Math.min(4000, Math.max(600, ((Number) height).longValue() + 40));
    driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, (int) h));
    return screenshot(file);
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
      deleteTree(profile);
    }
  }

  static TakesScreenshot asScreenshot(WebDriver d) {
    return (TakesScreenshot) d;
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
