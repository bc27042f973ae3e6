package io.servicecatalog.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.model.events.Topics;
import io.servicecatalog.testsupport.KafkaTestResource;
import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Marketplace page in a real browser (headless Chromium through Selenium): browse the
 * broker, its class and plans, fill the form generated from the plan's parameter schema, see a
 * refused request's error next to the field it names, provision, bind, unbind and deprovision,
 * with every status change arriving through the page's watch streams (never a reload).
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class MarketplacePageTest {
  static final String API = "/apis/servicecatalog.k8s.io/v1beta1";
  static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  static final String CHROMIUM = "/usr/bin/chromium";
  static KafkaProducer<String, String> producer;
  static WebDriver browser;
  static Path profile;

  @TestHTTPResource("/")
  URL root;

  @BeforeAll
  static void setUp() throws Exception {
    ensureChromium();
    Properties p = new Properties();
    p.put("bootstrap.servers", KafkaTestResource.bootstrapServers());
    producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());

    // Selenium Manager must never download a driver or a browser: both come from Debian.
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
    System.setProperty("SE_AVOID_STATS", "true");
    profile = Files.createTempDirectory("marketplace-chromium");
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM);
    o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--window-size=1280,1700", "--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
    browser = new ChromeDriver(service, o);
    browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (producer != null) {
      producer.close();
    }
    if (profile != null) {
      try (var walk = Files.walk(profile)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /** Installs Debian's chromium and chromium-driver when missing and possible; skips otherwise. */
  static void ensureChromium() throws Exception {
    if (Files.isExecutable(Path.of(CHROMEDRIVER)) && Files.isExecutable(Path.of(CHROMIUM))) {
      return;
    }
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      Process install = new ProcessBuilder("sh", "-c",
          "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      install.waitFor(10, TimeUnit.MINUTES);
    }
    Assumptions.assumeTrue(Files.isExecutable(Path.of(CHROMEDRIVER)) && Files.isExecutable(Path.of(CHROMIUM)),
        "MarketplacePageTest skipped: headless Chromium is not available (" + CHROMIUM + ", " + CHROMEDRIVER
            + "); install the Debian packages chromium and chromium-driver to run it");
  }

  @Test
  void walkthroughThroughThePage() throws Exception {
    long started = System.nanoTime();
    try {
      walkthrough();
    } catch (Throwable t) {
      // What the page showed and what the API holds, for whoever reads the failure.
      screenshot("marketplace-failure.png");
      System.err.println("[MarketplacePageTest] page text at failure:\n" + browser.findElement(By.tagName("main")).getText());
      throw t;
    }
    System.out.printf("[MarketplacePageTest] walkthrough through the page took %d ms%n",
        (System.nanoTime() - started) / 1_000_000);
  }

  private void walkthrough() throws Exception {
    // `/` sends people to the page.
    given().get("/").then().statusCode(200).body(org.hamcrest.Matchers.containsString("/marketplace/"));
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String broker = "mkt-" + suffix;
    String ns = "shop-" + suffix;
    String service = "mariadb-" + suffix;

    String brokerUid = given().contentType(ContentType.JSON)
        .body("{\"metadata\":{\"name\":\"" + broker + "\"},\"spec\":{\"url\":\"http://127.0.0.1:8090\"}}")
        .post(API + "/clusterservicebrokers").then().statusCode(201).extract().path("metadata.uid");

    // The page re-renders rows as watch events arrive: an element read mid-render is looked up again.
    var wait = new WebDriverWait(browser, Duration.ofSeconds(20))
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    // Without a token catalog-api refuses the page's requests, and the page says so; the token
    // typed in is kept for the tab and sent from then on.
    browser.get(new URL(root, "marketplace/").toString());
    ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
    browser.navigate().refresh();
    wait.until(d -> text(d, By.id("live")).contains("Not signed in"));
    browser.findElement(By.id("token")).sendKeys(TestCredentials.ADMIN_TOKEN, org.openqa.selenium.Keys.TAB);
    wait.until(d -> text(d, By.id("live")).equals("Live"));

    // The page is open before the catalog arrives: the broker turns Ready and the class appears live.
    browser.get(new URL(root, "marketplace/#ns=" + ns).toString());
    browser.navigate().refresh(); // only the fragment changed: load the page for that namespace
    wait.until(d -> text(d, By.cssSelector("[data-broker='" + broker + "'] .status")).length() > 0);

    OperationResult fetched = result("ClusterServiceBroker", null, broker, brokerUid,
        Operation.FETCH_CATALOG, Outcome.SUCCEEDED);
    fetched.catalog = json("""
        {"services":[{"id":"%s","name":"%s","description":"MariaDB databases, one per instance","bindable":true,
          "metadata":{"displayName":"MariaDB"},
          "plans":[
            {"id":"%s","name":"small","description":"A small database","free":true,
             "schemas":{"service_instance":{"create":{"parameters":{
               "type":"object","required":["charset","maxConnections"],
               "properties":{
                 "charset":{"type":"string","enum":["utf8mb4","latin1"],"default":"utf8mb4","description":"Default character set"},
                 "maxConnections":{"type":"integer","minimum":1,"default":10,"description":"Connection limit for the app's user"},
                 "backups":{"type":"boolean","default":true,"description":"Nightly backups"},
                 "storageGb":{"type":"number","description":"Disk size in GB"},
                 "owner":{"type":"string","description":"Team that owns the database"}}}}}}},
            {"id":"%s","name":"large","description":"A large database with replicas","free":false}]}]}
        """.formatted(UUID.randomUUID(), service, UUID.randomUUID(), UUID.randomUUID()));
    publish(fetched);

    wait.until(d -> text(d, By.cssSelector("[data-broker='" + broker + "'] .badge")).equals("Ready"));
    String planSel = "[data-class='" + service + "'] [data-plan='small']";
    wait.until(d -> !d.findElements(By.cssSelector(planSel)).isEmpty());
    assertTrue(text(browser, By.cssSelector(planSel)).contains("Free"));
    assertTrue(text(browser, By.cssSelector("[data-class='" + service + "'] [data-plan='large']")).contains("Paid"));
    assertTrue(text(browser, By.cssSelector("[data-class='" + service + "']")).contains("MariaDB databases, one per instance"));

    // The form generated from the plan's schema: types, defaults, required, descriptions.
    browser.findElement(By.cssSelector(planSel + " button.choose")).click();
    wait.until(d -> d.findElement(By.id("provision")).isDisplayed());
    assertEquals(ns, browser.findElement(By.id("pv-namespace")).getDomProperty("value"));
    WebElement charset = browser.findElement(By.id("param-charset"));
    assertEquals("select", charset.getTagName());
    assertEquals("utf8mb4", new Select(charset).getFirstSelectedOption().getText());
    WebElement maxConn = browser.findElement(By.id("param-maxConnections"));
    assertEquals("number", maxConn.getDomAttribute("type"));
    assertEquals("10", maxConn.getDomProperty("value"));
    assertEquals("true", maxConn.getDomProperty("required"));
    WebElement backups = browser.findElement(By.id("param-backups"));
    assertEquals("checkbox", backups.getDomAttribute("type"));
    assertTrue(backups.isSelected());
    assertTrue(text(browser, By.id("param-owner-help")).contains("Team that owns the database"));
    assertEquals("param-maxConnections-help param-maxConnections-err", maxConn.getDomAttribute("aria-describedby"));

    // A name the API refuses: its Status shows next to the name field.
    type(By.id("pv-name"), "Not_A_DNS_Name");
    new Select(charset).selectByVisibleText("latin1");
    type(maxConn, "25");
    backups.click();
    type(By.id("param-storageGb"), "2.5");
    type(By.id("param-owner"), "payments");
    browser.findElement(By.id("pv-submit")).click();
    wait.until(d -> d.findElement(By.id("pv-name-err")).isDisplayed());
    assertEquals("true", browser.findElement(By.id("pv-name")).getDomAttribute("aria-invalid"));
    assertTrue(text(browser, By.id("provision-error")).contains("Invalid"), text(browser, By.id("provision-error")));
    screenshot("marketplace-error.png");

    type(By.id("pv-name"), "orders-db");
    browser.findElement(By.id("pv-submit")).click();
    String instRow = "tr[data-instance='orders-db']";
    wait.until(d -> !d.findElements(By.cssSelector(instRow)).isEmpty());
    wait.until(d -> !d.findElement(By.id("provision")).isDisplayed());
    JsonNode created = json(given().get(API + "/namespaces/" + ns + "/serviceinstances/orders-db")
        .then().statusCode(200).extract().asString());
    JsonNode params = created.at("/spec/parameters");
    assertEquals("latin1", params.get("charset").asText());
    assertEquals(25, params.get("maxConnections").asInt());
    assertTrue(params.get("maxConnections").isIntegralNumber());
    assertEquals(false, params.get("backups").asBoolean());
    assertEquals(2.5, params.get("storageGb").asDouble());
    assertEquals("payments", params.get("owner").asText());
    assertEquals("small", created.at("/spec/clusterServicePlanExternalName").asText());
    assertTrue(!text(browser, By.cssSelector(instRow + " .badge")).equals("Ready"));

    // The broker answers: Ready without a reload.
    String instanceUid = created.at("/metadata/uid").asText();
    OperationResult provisioned = result("ServiceInstance", ns, "orders-db", instanceUid, Operation.PROVISION, Outcome.SUCCEEDED);
    provisioned.dashboardURL = "http://dashboard.example/orders-db";
    publish(provisioned);
    wait.until(d -> text(d, By.cssSelector(instRow + " .badge")).equals("Ready"));
    assertEquals("http://dashboard.example/orders-db",
        browser.findElement(By.cssSelector(instRow + " a")).getDomAttribute("href"));

    // Bind; the Secret's name shows once credential-injector has written it.
    browser.findElement(By.cssSelector(instRow + " button.bind")).click();
    wait.until(d -> d.findElement(By.id("bind-form")).isDisplayed());
    assertEquals("orders-db-binding", browser.findElement(By.id("bd-name")).getDomProperty("value"));
    type(By.id("bd-secret"), "orders-db-creds");
    browser.findElement(By.id("bd-submit")).click();
    String bindRow = "tr[data-binding='orders-db-binding']";
    wait.until(d -> !d.findElements(By.cssSelector(bindRow)).isEmpty());
    String bindingUid = given().get(API + "/namespaces/" + ns + "/servicebindings/orders-db-binding")
        .then().statusCode(200).extract().path("metadata.uid");
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        given().get(API + "/namespaces/" + ns + "/servicebindings/orders-db-binding").then()
            .body("status.conditions[0].reason", equalTo("BindingRequestInFlight")));
    publish(result("ServiceBinding", ns, "orders-db-binding", bindingUid, Operation.BIND, Outcome.SUCCEEDED));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        given().get(API + "/namespaces/" + ns + "/servicebindings/orders-db-binding").then()
            .body("status.conditions[0].reason", equalTo("InjectingBindResult")));
    OperationResult injected = result("ServiceBinding", ns, "orders-db-binding", bindingUid,
        Operation.INJECT_SECRET, Outcome.SUCCEEDED);
    injected.secretName = "orders-db-creds";
    publish(injected);
    wait.until(d -> text(d, By.cssSelector(bindRow + " .badge")).equals("Ready"));
    wait.until(d -> text(d, By.cssSelector(bindRow + " .secret code")).equals("orders-db-creds"));
    screenshot("marketplace.png");

    // Unbind: the row goes once the Secret is deleted and the broker has unbound.
    browser.findElement(By.cssSelector(bindRow + " button.unbind")).click();
    wait.until(d -> text(d, By.cssSelector(bindRow + " .badge")).equals("Deleting"));
    publish(result("ServiceBinding", ns, "orders-db-binding", bindingUid, Operation.DELETE_SECRET, Outcome.SUCCEEDED));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        given().get(API + "/namespaces/" + ns + "/servicebindings/orders-db-binding").then()
            .body("status.conditions[0].reason", equalTo("UnbindingRequestInFlight")));
    publish(result("ServiceBinding", ns, "orders-db-binding", bindingUid, Operation.UNBIND, Outcome.SUCCEEDED));
    wait.until(d -> d.findElements(By.cssSelector(bindRow)).isEmpty());

    // Deprovision.
    browser.findElement(By.cssSelector(instRow + " button.deprovision")).click();
    wait.until(d -> text(d, By.cssSelector(instRow + " .badge")).equals("Deleting"));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        given().get(API + "/namespaces/" + ns + "/serviceinstances/orders-db").then()
            .body("status.conditions.find { it.type == 'Ready' }.reason", equalTo("DeprovisionRequestInFlight")));
    publish(result("ServiceInstance", ns, "orders-db", instanceUid, Operation.DEPROVISION, Outcome.SUCCEEDED));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        given().get(API + "/namespaces/" + ns + "/serviceinstances/orders-db").then().statusCode(404));
    wait.until(d -> d.findElements(By.cssSelector(instRow)).isEmpty());
    assertTrue(browser.findElement(By.id("instances-empty")).isDisplayed());
    assertEquals("Live", text(browser, By.id("live")).replace("●", "").trim());

    // The page never asked for a Secret.
    @SuppressWarnings("unchecked")
    List<Object> urls = (List<Object>) ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
        "return performance.getEntriesByType('resource').map(e => e.name)");
    assertTrue(urls.stream().map(String::valueOf).noneMatch(u -> u.contains("/secrets")), urls.toString());

    given().delete(API + "/clusterservicebrokers/" + broker).then().statusCode(200);
  }

  // ------------------------------------------------------------- helpers

  private static String text(WebDriver d, By by) {
    List<WebElement> found = d.findElements(by);
    return found.isEmpty() ? "" : found.get(0).getText().trim();
  }

  private static void type(By by, String value) {
    type(browser.findElement(by), value);
  }

  private static void type(WebElement e, String value) {
    e.clear();
    e.sendKeys(value);
  }

  private static void screenshot(String name) throws Exception {
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Path target = Path.of("target", name);
    Files.createDirectories(target.getParent());
    Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
  }

  private static OperationResult result(String kind, String ns, String name, String uid, Operation op, Outcome outcome) {
    return OperationResult.about("test", kind, ns, name, uid, 1L).op(op, outcome, null, null);
  }

  private static void publish(OperationResult r) {
    try {
      producer.send(new ProducerRecord<>(Topics.RESULTS, r.uid, Json.MAPPER.writeValueAsString(r))).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode json(String s) {
    try {
      return Json.MAPPER.readTree(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
