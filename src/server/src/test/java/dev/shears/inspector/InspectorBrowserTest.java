package dev.shears.inspector;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The /inspector page in headless Chromium against this Shears: no console errors, each view renders a known
 * response, and the sliders re-select without a request. {@code -Dinspector.screenshots=src/docs/images} (from the
 * repository root: an absolute path) writes the README's screenshots.
 */
@QuarkusTest
class InspectorBrowserTest {

    static HeadlessChromium chromium;

    @TestHTTPResource("/inspector")
    URL inspector;

    @BeforeAll
    static void startBrowser() throws Exception {
        chromium = HeadlessChromium.start();
    }

    @AfterAll
    static void stopBrowser() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
    }

    @BeforeEach
    void open() {
        chromium.driver.get(inspector.toString());
        new WebDriverWait(chromium.driver, Duration.ofSeconds(10)).until(ExpectedConditions.elementToBeClickable(By.cssSelector("nav button")));
        // count every fetch the page makes from here on
        chromium.driver.executeScript("window.fetches = 0; const f = window.fetch;"
                + " window.fetch = (...a) => { window.fetches++; return f(...a); };");
    }

    @Test
    void page_loads_without_console_errors() {
        assertTrue(chromium.driver.getCurrentUrl().endsWith("/inspector/"), chromium.driver.getCurrentUrl());
        assertEquals("Shears inspector", chromium.driver.getTitle());
        assertEquals(List.of(), chromium.consoleErrors());
        given().redirects().follow(false).get("/inspector").then().statusCode(302).header("Location", "inspector/");
        given().get("/inspector/").then().statusCode(200).contentType(org.hamcrest.Matchers.containsString("text/html"));
    }

    @Test
    void context_prune_highlights_kept_sentences_and_the_slider_reselects_without_a_request() {
        click("#context-form button[type=submit]");
        waitFor("#ctx-docs-out .s");
        assertEquals("kept", state("330 metres tall"));
        assertEquals("kept", state("wrought-iron lattice tower"));
        assertEquals("removed", state("named after the engineer"));
        assertEquals("removed", state("Bananas are elongated"));
        assertEquals("removed", state("hanging clusters"));
        assertTrue(sentence("330 metres tall").getAttribute("title").startsWith("score 0.03"), sentence("330 metres tall").getAttribute("title"));
        assertTrue(text("#ctx-summary").contains("tokens 57 → 32 (saved 25)"), text("#ctx-summary"));
        assertTrue(text("#ctx-timings").contains("x-total-time") && text("#ctx-timings").contains("x-inference-time"), text("#ctx-timings"));
        assertEquals(1L, fetches());
        chromium.screenshot("inspector-context");

        double apiCallsBefore = apiRequests();
        WebElement slider = chromium.driver.findElement(By.id("ctx-threshold"));
        slider.sendKeys(Keys.HOME); // threshold 0: everything is kept
        assertEquals("kept", state("Bananas are elongated"));
        assertEquals("kept", state("named after the engineer"));
        for (int i = 0; i < 40; i++) {
            slider.sendKeys(Keys.ARROW_RIGHT); // up to 0.040, above the 330-metre sentence's 0.0366
        }
        assertEquals("0.040", text("#ctx-threshold-value"));
        assertEquals("removed", state("330 metres tall"));
        assertEquals("kept", state("wrought-iron lattice tower"));
        assertEquals("removed", state("Bananas are elongated"));
        assertTrue(text("#ctx-summary").contains("re-selected in the page"), text("#ctx-summary"));
        assertEquals(1L, fetches(), "the slider made no request");
        assertEquals(apiCallsBefore, apiRequests(), "the server saw no API request while the slider moved");
        assertEquals(List.of(), chromium.consoleErrors());
    }

    @Test
    void reasoning_view_renders_steps_and_the_budget_slider_reselects_without_a_request() {
        click("nav button[data-view=reasoning]");
        click("#reasoning-form button[type=submit]");
        waitFor("#rsn-steps li");
        List<WebElement> steps = chromium.driver.findElements(By.cssSelector("#rsn-steps li"));
        assertEquals(4, steps.size());
        // README: the trigram keeps the re-check and the last step, drops the first two
        assertEquals(List.of("removed", "removed", "kept", "kept"), steps.stream().map(s -> s.getAttribute("class")).toList());
        assertTrue(steps.get(0).getText().contains("surprisal 4.333343 nats"), steps.get(0).getText());
        assertTrue(steps.get(0).getText().contains("first token “In”"), steps.get(0).getText());
        assertTrue(text("#rsn-summary").contains("budget 28 tokens, kept 17 of 35"), text("#rsn-summary"));
        chromium.driver.executeScript("document.querySelector('#reasoning .output').scrollIntoView()");
        chromium.screenshot("inspector-reasoning");

        chromium.driver.findElement(By.id("rsn-ratio")).sendKeys(Keys.END); // ratio 1: the whole chain fits
        assertEquals(List.of("kept", "kept", "kept", "kept"), chromium.driver.findElements(By.cssSelector("#rsn-steps li")).stream()
                .map(s -> s.getAttribute("class")).toList());
        assertTrue(text("#rsn-summary").contains("budget 35 tokens, kept 35 of 35"), text("#rsn-summary"));
        assertEquals(1L, fetches(), "the slider made no request");
        assertEquals(List.of(), chromium.consoleErrors());
    }

    @Test
    void vote_view_sets_perplexity_consistency_beside_self_consistency() {
        click("nav button[data-view=vote]");
        click("#vote-form button[type=submit]");
        waitFor("#vote-answers tbody tr");
        List<String> rows = chromium.driver.findElements(By.cssSelector("#vote-answers tbody tr")).stream().map(WebElement::getText).toList();
        assertEquals(List.of("18 65.2% 50.0% 0, 1", "26 27.3% 25.0% 2", "32 7.5% 25.0% 3"), rows);
        assertTrue(text("#vote-summary").contains("perplexity consistency: 18 (70.5%)"), text("#vote-summary"));
        assertTrue(text("#vote-summary").contains("self-consistency: 18 (50.0%)"), text("#vote-summary"));
        assertEquals(4, chromium.driver.findElements(By.cssSelector("#vote-paths-out li.kept")).size());

        // the second example has a path without an answer: pruned, and marked so
        new Select(chromium.driver.findElement(By.id("vote-example"))).selectByIndex(1);
        click("#vote-form button[type=submit]");
        waitFor("#vote-paths-out li.removed");
        List<WebElement> paths = chromium.driver.findElements(By.cssSelector("#vote-paths-out li"));
        assertEquals(List.of("kept", "kept", "kept", "removed"), paths.stream().map(p -> p.getAttribute("class")).toList());
        assertTrue(paths.get(3).getText().contains("answer none · pruned: no answer"), paths.get(3).getText());
        assertTrue(text("#vote-summary").contains("1 pruned"), text("#vote-summary"));
        assertEquals(2L, fetches());
        chromium.driver.executeScript("document.querySelector('#vote .output').scrollIntoView()");
        chromium.screenshot("inspector-vote");
        assertEquals(List.of(), chromium.consoleErrors());
    }

    @Test
    void api_errors_are_shown_with_their_message() {
        chromium.driver.executeScript("document.getElementById('ctx-docs').value = Array(300).fill('A passage.').join('\\n---\\n')");
        click("#context-form button[type=submit]");
        WebElement error = new WebDriverWait(chromium.driver, Duration.ofSeconds(10))
                .until(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
        assertTrue(error.getText().startsWith("400 invalid_request: 'documents' has 300 entries"), error.getText());
        chromium.consoleErrors(); // the failed request is logged by the browser itself; drain it
    }

    private static void click(String css) {
        chromium.driver.findElement(By.cssSelector(css)).click();
    }

    private static void waitFor(String css) {
        new WebDriverWait(chromium.driver, Duration.ofSeconds(30)).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(css)));
    }

    private static String text(String css) {
        return chromium.driver.findElement(By.cssSelector(css)).getText();
    }

    private static WebElement sentence(String fragment) {
        return chromium.driver.findElements(By.cssSelector("#ctx-docs-out .s")).stream()
                .filter(s -> s.getText().contains(fragment)).findFirst().orElseThrow(() -> new AssertionError("no sentence " + fragment));
    }

    /** "kept" or "removed", from the sentence's class. */
    private static String state(String fragment) {
        String cls = sentence(fragment).getAttribute("class");
        return cls.contains("kept") ? "kept" : cls.contains("removed") ? "removed" : cls;
    }

    private static long fetches() {
        return ((Number) chromium.driver.executeScript("return window.fetches")).longValue();
    }

    /** Requests the server counted on the API ({@code uri="/v1"}), from its Prometheus metrics. */
    private static double apiRequests() {
        return given().get("/q/metrics").asString().lines()
                .filter(l -> l.startsWith("http_server_requests_seconds_count{") && l.contains("uri=\"/v1\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
