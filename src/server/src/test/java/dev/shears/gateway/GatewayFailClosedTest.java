package dev.shears.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shears.gateway.ScriptedUpstream.Reply;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code shears.gateway.fail-open=false}: a policy that fails answers its error and nothing is forwarded. */
@QuarkusTest
@TestProfile(GatewayFailClosedTest.FailClosed.class)
class GatewayFailClosedTest {

    public static class FailClosed implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // reasoning pruning fails for real: its scorer is the remote model, which is not configured
            return Map.of("shears.gateway.fail-open", "false", "shears.reasoning.scorer", "remote");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ScriptedUpstream.class));
        }
    }

    @Test
    void a_failing_policy_answers_its_error_and_forwards_nothing() {
        ScriptedUpstream.reset();
        ScriptedUpstream.SCRIPT.add(Reply.json(200, GatewayTest.ANSWER));
        String body = """
                {"model": "m", "messages": [
                  {"role": "user", "content": "What is 2+3?"},
                  {"role": "assistant", "content": "done", "reasoning_content": "Add them.\\n\\nThat is 5."},
                  {"role": "user", "content": "And times 2?"}], "shears": {"reasoning": "prune"}}""";
        given().contentType("application/json").body(body).post("/v1/chat/completions").then().statusCode(503)
                .body("error_type", equalTo("model_unavailable")).body("error", containsString("shears.lm.remote.url"));
        assertEquals(0, ScriptedUpstream.REQUESTS.size());
    }
}
