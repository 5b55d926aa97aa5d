package dev.shears.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/** The gateway with no {@code shears.gateway.upstream.url}: every gateway endpoint answers 503 naming the key. */
@QuarkusTest
@TestProfile(GatewayUnconfiguredTest.NoUpstream.class)
class GatewayUnconfiguredTest {

    /** The defaults: no upstream (the scripted one belongs to {@link GatewayTest} only). */
    public static class NoUpstream implements QuarkusTestProfile {
    }

    @Test
    void every_gateway_endpoint_answers_503_naming_the_upstream_key() {
        for (String path : new String[] {"/v1/chat/completions", "/v1/completions"}) {
            given().contentType("application/json").body("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"prompt\":\"Hi\"}")
                    .post(path).then().statusCode(503).contentType(containsString("application/json"))
                    .body("error_type", equalTo("model_unavailable"))
                    .body("error", containsString("shears.gateway.upstream.url"));
        }
        given().get("/v1/models").then().statusCode(503)
                .body("error_type", equalTo("model_unavailable"))
                .body("error", containsString("shears.gateway.upstream.url"));
    }

    @Test
    void shears_own_endpoints_still_serve() {
        given().contentType("application/json").body("{\"query\":\"How tall is it?\",\"documents\":[\"It is 330 metres tall.\"]}")
                .post("/v1/context/prune").then().statusCode(200);
    }
}
