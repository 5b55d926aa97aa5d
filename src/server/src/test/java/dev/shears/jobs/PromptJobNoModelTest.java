package dev.shears.jobs;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

@QuarkusTest
class PromptJobNoModelTest {

    @Test
    void withoutALocalModelSubmitIs503NamingTheKey() {
        given().contentType(ContentType.JSON).body(PromptJobResourceTest.request(PromptJobResourceTest.DEMOS,
                        PromptJobResourceTest.WORDS, "{\"max_evaluations\": 10}"))
                .post("/v1/prompt/jobs").then().statusCode(503).body(containsString("shears.lm.location"));
    }
}
