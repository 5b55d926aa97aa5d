package dev.shears.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shears.gateway.ScriptedUpstream.Reply;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The gateway's configured behaviours against the scripted upstream: the upstream API key replacing the client's,
 * fail-open when a policy really fails (reasoning pruning with the remote scorer and no remote model configured),
 * and a circuit breaker with small thresholds opening after repeated upstream failures. The breaker test runs last:
 * it leaves the breaker open.
 */
@QuarkusTest
@TestProfile(GatewayResilienceTest.Strict.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayResilienceTest {

    static final ObjectMapper JSON = new ObjectMapper();

    public static class Strict implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("shears.gateway.upstream.api-key", "sk-upstream",
                    // reasoning pruning fails for real: its scorer is the remote model, which is not configured
                    "shears.reasoning.scorer", "remote");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ScriptedUpstream.class, Map.of(
                    "shears.gateway.upstream.max-retries", "0",
                    "shears.gateway.upstream.circuit-breaker.request-volume", "4",
                    "shears.gateway.upstream.circuit-breaker.failure-ratio", "0.5",
                    "shears.gateway.upstream.circuit-breaker.delay", "60s")));
        }
    }

    @BeforeEach
    void reset() {
        ScriptedUpstream.reset();
    }

    private static Response chat(String body) {
        return given().contentType("application/json").header("Authorization", "Bearer sk-client").body(body).post("/v1/chat/completions");
    }

    private static double metric(String line) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(line) + " ([0-9.eE+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    @Order(1)
    void the_configured_upstream_key_replaces_the_clients() {
        ScriptedUpstream.SCRIPT.add(Reply.json(200, GatewayTest.ANSWER));
        ScriptedUpstream.SCRIPT.add(Reply.json(200, "{\"object\":\"list\",\"data\":[]}"));
        ScriptedUpstream.SCRIPT.add(Reply.json(200, "{\"object\":\"list\",\"data\":[]}"));
        chat(GatewayTest.CHAT).then().statusCode(200);
        given().header("Authorization", "Bearer sk-client").get("/v1/models").then().statusCode(200);
        given().get("/v1/models").then().statusCode(200); // no client key at all
        assertEquals(3, ScriptedUpstream.REQUESTS.size());
        for (ScriptedUpstream.Request r : ScriptedUpstream.REQUESTS) {
            assertEquals("Bearer sk-upstream", r.authorization(), r.path());
        }
    }

    @Test
    @Order(2)
    void a_policy_that_fails_forwards_its_part_unpruned_and_is_counted() throws Exception {
        ScriptedUpstream.SCRIPT.add(Reply.json(200, GatewayTest.ANSWER));
        String reasoning = "First, 12 times 3 is 36.\n\nI like trains a lot.\n\nThen 36 plus 6 is 42.\n\nSo the answer is 42.";
        ObjectNode body = (ObjectNode) JSON.readTree(GatewayTest.CHAT);
        ((com.fasterxml.jackson.databind.node.ArrayNode) body.get("messages")).insert(1, JSON.createObjectNode()
                .put("role", "assistant").put("content", "<think>" + reasoning + "</think>42.").put("reasoning_content", reasoning));
        body.putObject("shears").put("reasoning", "prune").put("report", true);
        double failedBefore = metric("shears_gateway_fail_open_total{policy=\"reasoning\"}");

        Response r = chat(body.toString());
        r.then().statusCode(200);
        JsonNode sent = JSON.readTree(ScriptedUpstream.REQUESTS.get(0).body());
        assertEquals("<think>" + reasoning + "</think>42.", sent.at("/messages/1/content").asText(), "reasoning forwarded unpruned");
        assertEquals(reasoning, sent.at("/messages/1/reasoning_content").asText());
        String user = sent.at("/messages/2/content").asText();
        assertTrue(!user.contains("Bananas"), "the context policy, which did not fail, still pruned: " + user);
        JsonNode answer = JSON.readTree(r.asString());
        for (JsonNode part : answer.at("/shears/parts")) {
            assertEquals("context", part.get("policy").asText(), "no reasoning part reported: " + answer.at("/shears/parts"));
        }
        assertEquals(failedBefore + 1, metric("shears_gateway_fail_open_total{policy=\"reasoning\"}"));
    }

    @Test
    @Order(3)
    void repeated_upstream_failures_open_the_circuit_breaker() {
        String broken = "{\"error\":{\"message\":\"broken\",\"type\":\"server_error\"}}";
        for (int i = 0; i < 20; i++) {
            ScriptedUpstream.SCRIPT.add(Reply.json(500, broken));
        }
        int passedThrough = 0;
        Response refused = null;
        for (int i = 0; i < 10 && refused == null; i++) {
            Response r = chat(GatewayTest.CHAT);
            if (r.statusCode() == 500) {
                assertEquals(broken, r.asString());
                passedThrough++;
            } else {
                refused = r;
            }
        }
        assertTrue(refused != null, "the breaker never opened");
        // the window of 4 calls held 4 successes from the tests before: 2 failures make the ratio 0.5
        assertEquals(2, passedThrough, "failures passed through before it opened");
        refused.then().statusCode(503).header("Retry-After", "60")
                .body("error_type", equalTo("model_unavailable"))
                .body("error", containsString("circuit breaker"));
        int calls = ScriptedUpstream.REQUESTS.size();
        assertEquals(passedThrough, calls, "the refused call never reached the upstream");
        chat(GatewayTest.CHAT).then().statusCode(503).header("Retry-After", "60");
        given().get("/v1/models").then().statusCode(503);
        assertEquals(calls, ScriptedUpstream.REQUESTS.size(), "no call reaches the upstream while the breaker is open");
        assertEquals(1.0, metric("shears_gateway_circuit_transitions_total{state=\"open\"}"));
    }
}
