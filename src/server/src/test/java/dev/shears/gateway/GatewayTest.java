package dev.shears.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shears.gateway.ScriptedUpstream.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway in front of a scripted OpenAI-compatible upstream on loopback, with the real encoder pruning. */
@QuarkusTest
@QuarkusTestResource(value = ScriptedUpstream.class, restrictToAnnotatedClass = true)
class GatewayTest {

    static final ObjectMapper JSON = new ObjectMapper();

    // the request shape of OpenAI's chat completions reference, with a RAG prompt and fields Shears does not act on
    static final String CHAT = """
            {"model": "gpt-4o-mini", "temperature": 0.2, "max_completion_tokens": 64, "user": "u-1",
             "response_format": {"type": "text"}, "metadata": {"trace": "abc"}, "x_vendor_field": [1, 2],
             "messages": [
               {"role": "system", "content": "Answer from the documents."},
               {"role": "user", "content": "<document>The Eiffel Tower is a wrought-iron lattice tower in Paris. It is named after the engineer Gustave Eiffel. Bananas are elongated, edible fruit. They grow in large hanging clusters. The tower is 330 metres tall, about the height of an 81-storey building.</document>\\nHow tall is the Eiffel Tower?"}
             ]}""";
    // OpenAI's chat completion object
    static final String ANSWER = """
            {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion","created":1741569952,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"330 metres.","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default"}""";

    @TestHTTPResource("/v1/chat/completions")
    URI chatUri;

    @BeforeEach
    void reset() {
        ScriptedUpstream.reset();
    }

    private static Response chat(String body, String... headers) {
        var request = given().contentType("application/json").header("Authorization", "Bearer sk-client");
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return request.body(body).post("/v1/chat/completions");
    }

    private static ObjectNode forwarded(int i) throws Exception {
        return (ObjectNode) JSON.readTree(ScriptedUpstream.REQUESTS.get(i).body());
    }

    @Test
    void documents_are_pruned_everything_else_passes_through_both_ways() throws Exception {
        ScriptedUpstream.SCRIPT.add(Reply.json(200, ANSWER));
        Response r = chat(CHAT);
        r.then().statusCode(200).header("x-upstream", "scripted");
        assertEquals(JSON.readTree(ANSWER), JSON.readTree(r.asString()), "the upstream answer comes back unchanged");
        int before = Integer.parseInt(r.header("x-shears-tokens-before"));
        int after = Integer.parseInt(r.header("x-shears-tokens-after"));
        assertTrue(after < before, before + " -> " + after);

        ObjectNode original = (ObjectNode) JSON.readTree(CHAT);
        ObjectNode sent = forwarded(0);
        assertEquals("/v1/chat/completions", ScriptedUpstream.REQUESTS.get(0).path());
        assertEquals("Bearer sk-client", ScriptedUpstream.REQUESTS.get(0).authorization());
        String prunedUser = sent.at("/messages/1/content").asText();
        assertTrue(prunedUser.contains("330 metres tall"), prunedUser);
        assertFalse(prunedUser.contains("Bananas"), prunedUser);
        assertTrue(prunedUser.startsWith("<document>") && prunedUser.endsWith("</document>\nHow tall is the Eiffel Tower?"), prunedUser);
        // only the document changed
        ((ObjectNode) sent.at("/messages/1")).put("content", original.at("/messages/1/content").asText());
        assertEquals(original, sent);
    }

    @Test
    void a_document_over_the_pruning_limits_is_forwarded_unpruned_and_counted() throws Exception {
        ScriptedUpstream.SCRIPT.add(Reply.json(200, ANSWER));
        String huge = "The tower is 330 metres tall. Bananas grow in clusters. ".repeat(1800); // over shears.limits.max-document-chars (100000)
        ObjectNode body = (ObjectNode) JSON.readTree(CHAT);
        ((ObjectNode) body.at("/messages/1")).put("content", "<document>" + huge + "</document>\nHow tall is the Eiffel Tower?");
        String metrics = given().get("/q/metrics").then().extract().asString();
        double failedBefore = failOpen(metrics);
        chat(body.toString()).then().statusCode(200).header("x-shears-tokens-before", "0").header("x-shears-tokens-after", "0");
        assertEquals(body, forwarded(0), "forwarded as sent");
        assertEquals(failedBefore + 1, failOpen(given().get("/q/metrics").then().extract().asString()));
    }

    private static double failOpen(String metrics) {
        var m = java.util.regex.Pattern.compile("(?m)^shears_gateway_fail_open_total\\{policy=\"context\"} ([0-9.eE+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void context_off_by_header_forwards_the_body_as_sent() throws Exception {
        ScriptedUpstream.SCRIPT.add(Reply.json(200, ANSWER));
        chat(CHAT, "x-shears-context", "off").then().statusCode(200).header("x-shears-tokens-before", "0");
        assertEquals(JSON.readTree(CHAT), forwarded(0));
    }

    @Test
    void report_and_echo_show_the_parts_and_the_forwarded_request() throws Exception {
        ScriptedUpstream.SCRIPT.add(Reply.json(200, ANSWER));
        ObjectNode body = (ObjectNode) JSON.readTree(CHAT);
        body.putObject("shears").put("report", true).put("echo", true).put("question", "Who named the tower?");
        JsonNode answer = JSON.readTree(chat(body.toString()).then().statusCode(200).extract().asString());
        assertEquals("context", answer.at("/shears/parts/0/policy").asText());
        assertEquals("/messages/1/content#document[0]", answer.at("/shears/parts/0/where").asText());
        assertEquals(forwarded(0), answer.at("/shears/forwarded_request"));
        assertFalse(forwarded(0).has("shears"), "the shears object is never forwarded");
    }

    @Test
    void reasoning_of_earlier_turns_is_dropped() throws Exception {
        ScriptedUpstream.SCRIPT.add(Reply.json(200, ANSWER));
        String body = """
                {"model": "m", "messages": [
                  {"role": "user", "content": "What is 2+3?"},
                  {"role": "assistant", "content": "<think>2 plus 3.\\n\\nThat is 5.</think>The answer is 5.", "reasoning_content": "Add them."},
                  {"role": "user", "content": "And times 2?"}]}""";
        chat(body, "x-shears-reasoning", "drop").then().statusCode(200);
        JsonNode assistant = forwarded(0).at("/messages/1");
        assertEquals("The answer is 5.", assistant.get("content").asText());
        assertFalse(assistant.has("reasoning_content"));
    }

    @Test
    void reasoning_of_earlier_turns_is_pruned_step_by_step() throws Exception {
        ScriptedUpstream.SCRIPT.add(Reply.json(200, ANSWER));
        String steps = "Let me think about the numbers.\\n\\nFirst, 12 times 3 is 36.\\n\\nI like trains a lot.\\n\\nThen 36 plus 6 is 42.\\n\\nSo the answer is 42.";
        String body = "{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"What is 12*3+6?\"},"
                + "{\"role\": \"assistant\", \"content\": \"done\", \"reasoning_content\": \"" + steps + "\"},"
                + "{\"role\": \"user\", \"content\": \"Thanks\"}], \"shears\": {\"reasoning\": \"prune\", \"keep_ratio\": 0.5, \"report\": true}}";
        JsonNode answer = JSON.readTree(chat(body).then().statusCode(200).extract().asString());
        String pruned = forwarded(0).at("/messages/1/reasoning_content").asText();
        assertTrue(pruned.length() < steps.length() - 20, pruned);
        assertEquals("reasoning", answer.at("/shears/parts/0/policy").asText());
    }

    @Test
    void voting_picks_one_of_n_choices_by_their_logprobs() throws Exception {
        String choice = "{\"index\":%d,\"message\":{\"role\":\"assistant\",\"content\":\"%s\"},\"logprobs\":{\"content\":[{\"token\":\"x\",\"logprob\":%s,\"bytes\":[120],\"top_logprobs\":[]}]},\"finish_reason\":\"stop\"}";
        String answer = "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":["
                + String.format(choice, 0, "The answer is 7.", "-2.0") + "," + String.format(choice, 1, "The answer is 5.", "-0.1") + ","
                + String.format(choice, 2, "So the answer is 5.", "-0.3") + "]}";
        ScriptedUpstream.SCRIPT.add(Reply.json(200, answer));
        String body = "{\"model\":\"m\",\"n\":3,\"messages\":[{\"role\":\"user\",\"content\":\"What is 2+3?\"}],\"shears\":{\"voting\":true}}";
        JsonNode out = JSON.readTree(chat(body).then().statusCode(200).extract().asString());
        assertEquals(1, out.get("choices").size());
        assertEquals("The answer is 5.", out.at("/choices/0/message/content").asText());
        assertTrue(out.at("/choices/0/logprobs").isNull(), "log-probs Shears asked for are not returned");
        assertEquals("5", out.at("/shears/vote/answer").asText());
        assertEquals(1, out.at("/shears/vote/choice").asInt());
        assertTrue(forwarded(0).get("logprobs").asBoolean());
    }

    @Test
    void retries_429_and_5xx_then_passes_the_final_error_through() throws Exception {
        ScriptedUpstream.SCRIPT.add(Reply.json(429, "{\"error\":{\"message\":\"Rate limit\",\"type\":\"requests\"}}"));
        ScriptedUpstream.SCRIPT.add(Reply.json(200, ANSWER));
        chat(CHAT).then().statusCode(200);
        assertEquals(2, ScriptedUpstream.REQUESTS.size());

        ScriptedUpstream.reset();
        String overloaded = "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}";
        for (int i = 0; i < 3; i++) {
            ScriptedUpstream.SCRIPT.add(Reply.json(503, overloaded));
        }
        chat(CHAT).then().statusCode(503).header("x-upstream", "scripted").body(equalTo(overloaded));
        assertEquals(3, ScriptedUpstream.REQUESTS.size(), "one call and two retries (shears.gateway.upstream.max-retries)");

        ScriptedUpstream.reset();
        String invalid = "{\"error\":{\"message\":\"Invalid 'model'\",\"type\":\"invalid_request_error\",\"param\":\"model\",\"code\":null}}";
        ScriptedUpstream.SCRIPT.add(Reply.json(400, invalid));
        chat(CHAT).then().statusCode(400).body(equalTo(invalid));
        assertEquals(1, ScriptedUpstream.REQUESTS.size(), "a 400 is not retried");
    }

    @Test
    void a_silent_upstream_times_out_with_504() {
        ScriptedUpstream.SCRIPT.add(new Reply(200, "application/json", java.util.List.of(ANSWER), 5000));
        chat(CHAT).then().statusCode(504).body("error_type", equalTo("timeout"))
                .body("error", containsString("shears.gateway.upstream.read-timeout"));
    }

    @Test
    void bad_settings_get_400_with_the_error_body() {
        chat("{\"model\":\"m\",\"messages\":[],\"shears\":{\"keep_ratio\":2}}").then().statusCode(400)
                .body("error_type", equalTo("invalid_request")).body("error", containsString("keep_ratio"));
        chat("{\"model\":\"m\",\"messages\":[]}", "x-shears-reasoning", "sometimes").then().statusCode(400)
                .body("error", containsString("reasoning"));
        chat("[1]").then().statusCode(400).body("error_type", equalTo("invalid_request"));
        assertEquals(0, ScriptedUpstream.REQUESTS.size());
    }

    @Test
    void models_are_relayed() {
        ScriptedUpstream.SCRIPT.add(Reply.json(200, "{\"object\":\"list\",\"data\":[{\"id\":\"gpt-4o-mini\",\"object\":\"model\",\"created\":1,\"owned_by\":\"openai\"}]}"));
        given().get("/v1/models").then().statusCode(200).body("data[0].id", equalTo("gpt-4o-mini"));
        assertEquals("/v1/models", ScriptedUpstream.REQUESTS.get(0).path());
    }

    @Test
    void a_stream_is_relayed_chunk_by_chunk_and_a_hang_up_cancels_it() throws Exception {
        String first = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"330\"},\"finish_reason\":null}]}\n\n";
        String second = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" m\"},\"finish_reason\":\"stop\"}]}\n\n";
        ScriptedUpstream.hold();
        ScriptedUpstream.SCRIPT.add(Reply.sse(first, second, "data: [DONE]\n\n"));
        ObjectNode body = (ObjectNode) JSON.readTree(CHAT);
        body.put("stream", true);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<java.io.InputStream> response = http.send(HttpRequest.newBuilder(chatUri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        assertEquals(first.strip(), lines.readLine(), "the first event arrives while the upstream still holds the rest");
        ScriptedUpstream.release();
        assertEquals("", lines.readLine());
        assertEquals(second.strip(), lines.readLine());
        lines.close();

        // a client that hangs up mid-stream: the gateway drops the upstream call
        ScriptedUpstream.reset();
        ScriptedUpstream.hold();
        String[] many = new String[200];
        java.util.Arrays.fill(many, second.repeat(50));
        many[0] = first;
        ScriptedUpstream.SCRIPT.add(Reply.sse(many));
        HttpResponse<java.io.InputStream> second2 = http.send(HttpRequest.newBuilder(chatUri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofInputStream());
        second2.body().read();
        second2.body().close();
        Thread.sleep(200);
        ScriptedUpstream.release();
        assertTrue(ScriptedUpstream.hungUp.await(10, TimeUnit.SECONDS), "the upstream saw its connection closed");
    }
}
