package dev.shears.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.lm.Completion;
import dev.shears.lm.SamplingRequest;
import dev.shears.lm.ScoredText;
import dev.shears.lm.ScoringRequest;
import dev.shears.lm.TokenLogProb;
import dev.shears.onnx.lm.OnnxCausalLm;
import dev.shears.service.LocalLanguageModel;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The local model over HTTP agrees with the same model in-process; shapes follow OpenAI's. */
@QuarkusTest
@TestProfile(LocalModelProfile.class)
public class LocalLanguageModelResourceTest {

    static final String COMPLETIONS = "/local/v1/completions";
    static final String CHAT = "/local/v1/chat/completions";

    @Inject
    LocalLanguageModel local;

    static Response post(String path, String body) {
        return given().contentType("application/json").body(body).post(path);
    }

    static JsonPath ok(Response r) {
        assertEquals(200, r.statusCode(), r::asString);
        return r.jsonPath();
    }

    @Test
    void echo_without_generation_returns_the_in_process_prompt_log_probs() {
        String text = "The cat sat on the mat.";
        JsonPath json = ok(post(COMPLETIONS, "{\"prompt\": \"" + text + "\", \"echo\": true, \"logprobs\": 1, \"max_tokens\": 0}"));
        ScoredText expected = model().score(List.of(new ScoringRequest("T", "he cat sat on the mat."))).get(0);
        assertEquals("text_completion", json.getString("object"));
        assertEquals(TinyDecoderResource.MODEL_ID, json.getString("model"));
        assertEquals(text, json.getString("choices[0].text"));
        assertEquals("length", json.getString("choices[0].finish_reason"));
        List<String> tokens = json.getList("choices[0].logprobs.tokens");
        List<Number> values = json.getList("choices[0].logprobs.token_logprobs");
        List<Integer> offsets = json.getList("choices[0].logprobs.text_offset");
        assertEquals("T", tokens.get(0));
        assertNull(values.get(0), "nothing predicts the first token of a prompt without BOS");
        assertEquals(expected.tokens().size() + 1, tokens.size());
        for (int i = 1; i < tokens.size(); i++) {
            TokenLogProb t = expected.tokens().get(i - 1);
            assertEquals(t.token(), tokens.get(i));
            assertEquals(t.start() + 1, offsets.get(i));
            assertEquals(t.logProb(), values.get(i).doubleValue(), 1e-6, "token " + i);
        }
        assertNull(json.get("choices[0].logprobs.top_logprobs"));
        assertEquals(model().encode(text).length, json.getInt("usage.prompt_tokens"));
        assertEquals(0, json.getInt("usage.completion_tokens"));
    }

    @Test
    void a_prompt_list_gets_one_choice_per_prompt_in_order() {
        JsonPath json = ok(post(COMPLETIONS, "{\"prompt\": [\"first one\", \"second\"], \"echo\": true, \"logprobs\": 0,"
                + " \"max_tokens\": 0}"));
        assertEquals(List.of("first one", "second"), json.getList("choices.text"));
        assertEquals(List.of(0, 1), json.getList("choices.index"));
        double second = model().score(List.of(new ScoringRequest("s", "econd"))).get(0).tokens().get(0).logProb();
        assertEquals(second, json.getDouble("choices[1].logprobs.token_logprobs[1]"), 1e-6);
    }

    @Test
    void generated_log_probs_equal_in_process_sampling_with_the_same_seed() {
        JsonPath json = ok(post(COMPLETIONS, "{\"prompt\": \"Once upon\", \"max_tokens\": 6, \"temperature\": 0.8,"
                + " \"seed\": 7, \"logprobs\": 1}"));
        Completion expected = model().sample(new SamplingRequest("Once upon", 1, 0.8, 1.0, 6, List.of(), 7L)).get(0);
        assertEquals(expected.text(), json.getString("choices[0].text"));
        assertEquals(expected.finishReason(), json.getString("choices[0].finish_reason"));
        List<Number> values = json.getList("choices[0].logprobs.token_logprobs");
        assertEquals(expected.tokens().size(), values.size());
        for (int i = 0; i < values.size(); i++) {
            assertEquals(expected.tokens().get(i).logProb(), values.get(i).doubleValue(), 1e-6);
        }
        assertEquals(expected.tokens().size(), json.getInt("usage.completion_tokens"));
        assertEquals(json.getInt("usage.prompt_tokens") + json.getInt("usage.completion_tokens"),
                json.getInt("usage.total_tokens"));
    }

    @Test
    void echo_with_generation_puts_the_prompt_tokens_first() {
        JsonPath json = ok(post(COMPLETIONS, "{\"prompt\": \"Hello\", \"echo\": true, \"max_tokens\": 3,"
                + " \"temperature\": 0, \"logprobs\": 1}"));
        String text = json.getString("choices[0].text");
        assertTrue(text.startsWith("Hello"), text);
        int promptTokens = model().encode("Hello").length;
        List<Integer> offsets = json.getList("choices[0].logprobs.text_offset");
        assertTrue(offsets.size() > promptTokens);
        assertEquals("Hello".length(), offsets.get(promptTokens));
    }

    @Test
    void seeded_sampling_is_reproducible_over_http() {
        String body = "{\"prompt\": \"Shears\", \"max_tokens\": 8, \"temperature\": 1.0, \"top_p\": 0.9, \"n\": 3,"
                + " \"seed\": 123, \"logprobs\": 1}";
        JsonPath a = ok(post(COMPLETIONS, body));
        JsonPath b = ok(post(COMPLETIONS, body));
        assertEquals(3, a.getList("choices").size());
        assertEquals(a.getList("choices.text"), b.getList("choices.text"));
        assertEquals(a.getList("choices.logprobs.token_logprobs"), b.getList("choices.logprobs.token_logprobs"));
        JsonPath other = ok(post(COMPLETIONS, body.replace("123", "124")));
        assertNotEquals(a.getList("choices.text"), other.getList("choices.text"));
    }

    @Test
    void chat_completions_return_generated_token_log_probs_with_bytes() {
        JsonPath json = ok(post(CHAT, "{\"model\": \"tiny-gpt2\", \"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"},"
                + " {\"role\": \"user\", \"content\": \"2+2?\"}], \"max_tokens\": 5, \"seed\": 1, \"logprobs\": true}"));
        assertEquals("chat.completion", json.getString("object"));
        assertTrue(json.getString("id").startsWith("chatcmpl-"));
        assertEquals("assistant", json.getString("choices[0].message.role"));
        String content = json.getString("choices[0].message.content");
        List<Map<String, Object>> tokens = json.getList("choices[0].logprobs.content");
        assertEquals(json.getInt("usage.completion_tokens"), tokens.size());
        StringBuilder joined = new StringBuilder();
        for (Map<String, Object> t : tokens) {
            String token = (String) t.get("token");
            joined.append(token);
            assertTrue(((Number) t.get("logprob")).doubleValue() <= 0);
            byte[] utf8 = token.getBytes(StandardCharsets.UTF_8);
            @SuppressWarnings("unchecked")
            List<Integer> bytes = (List<Integer>) t.get("bytes");
            assertArrayEquals(utf8, toBytes(bytes));
            assertEquals(List.of(), t.get("top_logprobs"));
        }
        assertEquals(content, joined.toString());
        assertTrue(List.of("stop", "length").contains(json.getString("choices[0].finish_reason")));
        assertNull(ok(post(CHAT, "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 2}"))
                .get("choices[0].logprobs"));
    }

    @Test
    void models_lists_the_served_model() {
        JsonPath json = ok(given().get("/local/v1/models"));
        assertEquals("list", json.getString("object"));
        assertEquals(TinyDecoderResource.MODEL_ID, json.getString("data[0].id"));
        assertEquals(TinyDecoderResource.CONTEXT, json.getInt("data[0].max_model_len"));
    }

    @Test
    void context_overflow_is_a_400_naming_both_numbers_and_is_counted() {
        String longPrompt = "z".repeat(300);
        HostileRequestsContract.assertError(post(COMPLETIONS, "{\"prompt\": \"" + longPrompt + "\", \"echo\": true,"
                + " \"max_tokens\": 0}"), 400, "invalid_request", "context length of " + TinyDecoderResource.CONTEXT);
        Response generate = post(COMPLETIONS, "{\"prompt\": \"" + longPrompt + "\", \"max_tokens\": 2}");
        HostileRequestsContract.assertError(generate, 400, "invalid_request", "prompt has 300 tokens");
        assertTrue(generate.jsonPath().getString("error").contains("context length is " + TinyDecoderResource.CONTEXT));
        String metrics = given().get("/q/metrics").asString();
        assertTrue(metrics.contains("shears_lm_failures_total{kind=\"context_too_long\"}"), "counter missing");
    }

    @Test
    void readiness_reports_the_warmed_up_model() {
        JsonPath json = given().get("/q/health/ready").then().statusCode(200).extract().jsonPath();
        assertEquals("UP", json.getString("checks.find { it.name == 'local-language-model' }.status"));
        assertEquals(TinyDecoderResource.MODEL_ID, json.getString("checks.find { it.name == 'local-language-model' }.data.id"));
    }

    private OnnxCausalLm model() {
        return (OnnxCausalLm) local.require().model();
    }

    private static byte[] toBytes(List<Integer> values) {
        byte[] out = new byte[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (int) values.get(i);
        }
        return out;
    }
}
