package dev.shears.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

/** Without {@code shears.lm.location} the local endpoints answer 503 saying how to configure a model. */
@QuarkusTest
public class NoLocalModelTest {

    @Test
    void local_endpoints_answer_503_with_the_setting_to_use() {
        String body = "{\"prompt\": \"hello\", \"max_tokens\": 2}";
        HostileRequestsContract.assertError(given().contentType("application/json").body(body).post("/local/v1/completions"),
                503, "model_unavailable", "shears.lm.location");
        HostileRequestsContract.assertError(given().contentType("application/json")
                        .body("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}").post("/local/v1/chat/completions"),
                503, "model_unavailable", "shears.lm.location");
        HostileRequestsContract.assertError(given().get("/local/v1/models"), 503, "model_unavailable", "models/README.md");
    }

    @Test
    void the_service_is_ready_without_a_local_model() {
        JsonPath json = given().get("/q/health/ready").then().statusCode(200).extract().jsonPath();
        assertEquals("UP", json.getString("checks.find { it.name == 'local-language-model' }.status"));
        assertEquals(false, json.getBoolean("checks.find { it.name == 'local-language-model' }.data.configured"));
    }
}
