package dev.shears.api;

import static io.restassured.RestAssured.given;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Malformed and hostile requests to the local model endpoints: each a 4xx with the one error body, never a 500. */
@QuarkusTest
@TestProfile(LocalModelProfile.class)
public class LocalLanguageModelHostileRequestsTest {

    record Case(String name, String path, String body, int status, String errorType, String mentions) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case completion(String name, String body, String mentions) {
        return new Case(name, "/local/v1/completions", body, 400, "invalid_request", mentions);
    }

    static Case chat(String name, String body, String mentions) {
        return new Case(name, "/local/v1/chat/completions", body, 400, "invalid_request", mentions);
    }

    static Stream<Arguments> corpus() {
        String user = "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]";
        return Stream.of(
                completion("empty body", "", "required"),
                completion("missing prompt", "{\"max_tokens\": 2}", "'prompt' is required"),
                completion("prompt is a number", "{\"prompt\": 5}", "'prompt' must be a string"),
                completion("token-id prompt", "{\"prompt\": [[1, 2, 3]]}", "token-id"),
                completion("empty prompt list", "{\"prompt\": []}", "empty list"),
                completion("too many prompts", "{\"prompt\": [" + "\"a\",".repeat(32) + "\"a\"]}", "max-prompts"),
                completion("NUL in prompt", "{\"prompt\": \"a\\u0000b\"}", "U+0000"),
                completion("lone surrogate", "{\"prompt\": \"a\\ud800b\"}", "surrogate"),
                completion("prompt over the limit", "{\"prompt\": \"" + "x".repeat(100001) + "\"}", "100000"),
                completion("unknown field", "{\"prompt\": \"a\", \"best_of\": 2}", "best_of"),
                completion("max_tokens negative", "{\"prompt\": \"a\", \"max_tokens\": -1}", "max_tokens"),
                completion("max_tokens 0 without echo", "{\"prompt\": \"a\", \"max_tokens\": 0}", "only with echo"),
                completion("max_tokens over the limit", "{\"prompt\": \"a\", \"max_tokens\": 5000}", "max-tokens"),
                completion("max_tokens as text", "{\"prompt\": \"a\", \"max_tokens\": \"4\"}", "max_tokens"),
                completion("temperature negative", "{\"prompt\": \"a\", \"temperature\": -0.1}", "temperature"),
                completion("temperature overflow", "{\"prompt\": \"a\", \"temperature\": 1e999}", "temperature"),
                completion("top_p zero", "{\"prompt\": \"a\", \"top_p\": 0}", "top_p"),
                completion("n zero", "{\"prompt\": \"a\", \"n\": 0}", "'n'"),
                completion("n over the limit", "{\"prompt\": \"a\", \"n\": 9}", "max-n"),
                completion("logprobs 5", "{\"prompt\": \"a\", \"logprobs\": 5}", "logprobs"),
                completion("empty stop", "{\"prompt\": \"a\", \"stop\": \"\"}", "stop"),
                completion("stop is a number", "{\"prompt\": \"a\", \"stop\": [3]}", "stop"),
                completion("five stops", "{\"prompt\": \"a\", \"stop\": [\"a\",\"b\",\"c\",\"d\",\"e\"]}", "stop"),
                completion("streaming", "{\"prompt\": \"a\", \"stream\": true}", "stream"),
                completion("echo of an empty prompt", "{\"prompt\": \"\", \"echo\": true, \"max_tokens\": 0}", "nothing to score"),
                completion("truncated JSON", "{\"prompt\": \"a\"", "malformed"),
                new Case("unknown model", "/local/v1/completions", "{\"model\": \"gpt-4\", \"prompt\": \"a\"}", 404, "not_found", "tiny-gpt2"),
                chat("missing messages", "{}", "'messages' is required"),
                chat("empty messages", "{\"messages\": []}", "'messages' is required"),
                chat("null message", "{\"messages\": [null]}", "messages[0]"),
                chat("unknown role", "{\"messages\": [{\"role\": \"wizard\", \"content\": \"hi\"}]}", "messages[0].role"),
                chat("missing content", "{\"messages\": [{\"role\": \"user\"}]}", "messages[0].content"),
                chat("content parts", "{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\"}]}]}", "content"),
                chat("escape in content", "{\"messages\": [{\"role\": \"user\", \"content\": \"a\\u001bb\"}]}", "U+001B"),
                chat("unknown message field", "{\"messages\": [{\"role\": \"user\", \"content\": \"a\", \"tool_calls\": []}]}", "tool_calls"),
                chat("top_logprobs", "{" + user + ", \"logprobs\": true, \"top_logprobs\": 3}", "top_logprobs"),
                chat("logprobs as a number", "{" + user + ", \"logprobs\": 1}", "logprobs"),
                chat("conflicting max tokens", "{" + user + ", \"max_tokens\": 2, \"max_completion_tokens\": 3}", "differ"),
                chat("max_completion_tokens zero", "{" + user + ", \"max_completion_tokens\": 0}", "max_completion_tokens"),
                chat("messages over the limit", "{\"messages\": [{\"role\": \"user\", \"content\": \"" + "x".repeat(60000)
                        + "\"}, {\"role\": \"user\", \"content\": \"" + "x".repeat(60000) + "\"}]}", "max-prompt-chars"))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void every_malformed_request_gets_a_clear_4xx(Case c) {
        HostileRequestsContract.assertError(given().contentType("application/json").body(c.body()).post(c.path()),
                c.status(), c.errorType(), c.mentions());
    }
}
