package dev.shears.api;

import static io.restassured.RestAssured.given;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With authentication on, API endpoints need a configured bearer key; health stays open. */
@QuarkusTest
@TestProfile(ApiKeyAuthTest.WithKeys.class)
public class ApiKeyAuthTest {

    public static class WithKeys implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("shears.auth.enabled", "true", "shears.auth.api-keys", "first-key,second-key");
        }
    }

    static final String BODY = "{\"query\": \"capital of France\", \"documents\": [\"Paris is the capital of France.\"]}";

    @Test
    void refuses_requests_without_a_valid_key() {
        HostileRequestsContract.assertError(given().contentType("application/json").body(BODY).post("/v1/context/prune"),
                401, "unauthorized", "API key");
        HostileRequestsContract.assertError(given().header("Authorization", "Bearer wrong").contentType("application/json").body(BODY)
                .post("/v1/context/prune"), 401, "unauthorized", "API key");
        HostileRequestsContract.assertError(given().header("Authorization", "Basic Zmlyc3Qta2V5").contentType("application/json").body(BODY)
                .post("/v1/context/prune"), 401, "unauthorized", "API key");
    }

    @Test
    void accepts_any_configured_key() {
        for (String key : new String[] {"first-key", "second-key"}) {
            given().header("Authorization", "Bearer " + key).contentType("application/json").body(BODY)
                    .post("/v1/context/prune").then().statusCode(200);
        }
    }

    @Test
    void health_and_metrics_stay_open() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
    }
}
