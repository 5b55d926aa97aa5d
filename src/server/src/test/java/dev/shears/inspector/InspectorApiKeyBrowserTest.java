package dev.shears.inspector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.api.ApiKeyAuthTest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** With {@code shears.auth.enabled}: the page itself loads, a request without the key shows the 401, the key fixes it. */
@QuarkusTest
@TestProfile(ApiKeyAuthTest.WithKeys.class)
class InspectorApiKeyBrowserTest {

    @TestHTTPResource("/inspector/")
    URL inspector;

    @Test
    void shows_the_401_and_sends_the_key_as_a_bearer_token() throws Exception {
        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            var driver = chromium.driver;
            var wait = new WebDriverWait(driver, Duration.ofSeconds(30));
            driver.get(inspector.toString());
            wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#context-form button[type=submit]"))).click();
            WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
            assertTrue(error.getText().startsWith("401 unauthorized: missing or wrong API key"), error.getText());
            assertTrue(error.getText().contains("enter a valid key in the API key field"), error.getText());

            driver.findElement(By.id("api-key")).sendKeys("second-key");
            driver.findElement(By.cssSelector("#context-form button[type=submit]")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#ctx-docs-out .s")));
            assertEquals(false, error.isDisplayed());
        }
    }
}
