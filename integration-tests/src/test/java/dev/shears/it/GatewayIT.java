package dev.shears.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.shears.testing.TestModels;
import dev.shears.tools.ShearsProcess;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAI-compatible gateway as a packaged server, in front of real upstreams on loopback: a second packaged
 * Shears serving the project-built test decoder (random weights: the tests check shapes and plumbing, not the text)
 * at {@code /local/v1}, and, for server-sent events (the local model does not stream), a scripted OpenAI-compatible
 * server in this JVM behind a third packaged Shears. Generation is greedy (temperature 0), so the gateway's answer
 * can be compared with the upstream's answer to the forwarded body.
 */
class GatewayIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String DOCUMENT = "The Eiffel Tower is a wrought-iron lattice tower in Paris. It is named after the engineer"
            + " Gustave Eiffel. Bananas are elongated, edible fruit. They grow in large hanging clusters. The tower is 330"
            + " metres tall, about the height of an 81-storey building.";
    static final String QUESTION = "How tall is the Eiffel Tower?";
    static final String FIRST = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"330\"},\"finish_reason\":null}]}";
    static final String SECOND = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" metres\"},\"finish_reason\":\"stop\"}]}";

    static ShearsProcess upstream;
    static ShearsProcess gateway;
    static ShearsProcess streamingGateway;
    /** Every server started, closed at the end even when a later one failed to start. */
    static final List<ShearsProcess> STARTED = new CopyOnWriteArrayList<>();
    static HttpServer sse;
    static final List<String> SSE_BODIES = new CopyOnWriteArrayList<>();
    static String model;

    @BeforeAll
    static void start() throws Exception {
        Path decoder = TestModels.longContext();
        sse = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        sse.createContext("/", exchange -> {
            SSE_BODIES.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (String event : List.of(FIRST, SECOND, "data: [DONE]")) {
                    out.write((event + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    Thread.sleep(50);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        sse.setExecutor(Executors.newCachedThreadPool());
        sse.start();
        // the three servers start side by side
        CompletableFuture<ShearsProcess> local = CompletableFuture.supplyAsync(() -> start(Map.of("shears.lm.location", decoder.toString())));
        CompletableFuture<ShearsProcess> streaming = CompletableFuture.supplyAsync(() -> start(Map.of(
                "shears.gateway.upstream.url", "http://127.0.0.1:" + sse.getAddress().getPort() + "/v1")));
        upstream = local.join();
        // the gateway expects the upstream's API root, the part before /chat/completions: /local/v1 for Shears' own
        gateway = start(Map.of("shears.gateway.upstream.url", "http://127.0.0.1:" + upstream.port() + "/local/v1"));
        streamingGateway = streaming.join();
        model = get(upstream, "/local/v1/models").at("/data/0/id").asText();
    }

    private static ShearsProcess start(Map<String, String> properties) {
        try {
            ShearsProcess process = ShearsProcess.start(ShearsProcess.defaultJar(), properties);
            STARTED.add(process);
            return process;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the packaged server: " + e.getMessage(), e);
        }
    }

    @AfterAll
    static void stop() {
        STARTED.forEach(ShearsProcess::close);
        if (sse != null) {
            sse.stop(0);
        }
    }

    private static HttpResponse<String> post(ShearsProcess server, String path, Object body) throws Exception {
        return server.http().send(HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode get(ShearsProcess server, String path) throws Exception {
        HttpResponse<String> r = server.http().send(HttpRequest.newBuilder(server.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static ObjectNode chatBody(String userContent) {
        ObjectNode body = JSON.createObjectNode().put("model", model).put("max_tokens", 8).put("temperature", 0.0);
        body.putArray("messages").add(JSON.createObjectNode().put("role", "system").put("content", "Answer from the document."))
                .add(JSON.createObjectNode().put("role", "user").put("content", userContent));
        return body;
    }

    private static int header(HttpResponse<?> r, String name) {
        return Integer.parseInt(r.headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name + " header")));
    }

    @Test
    void a_chat_completion_is_pruned_forwarded_and_answered_by_the_upstream() throws Exception {
        ObjectNode original = chatBody("<document>" + DOCUMENT + "</document>\n" + QUESTION);
        ObjectNode request = original.deepCopy();
        request.putObject("shears").put("echo", true);
        HttpResponse<String> r = post(gateway, "/v1/chat/completions", request);
        assertEquals(200, r.statusCode(), r.body());
        int before = header(r, "x-shears-tokens-before");
        int after = header(r, "x-shears-tokens-after");
        assertTrue(after < before, before + " -> " + after);

        JsonNode answer = JSON.readTree(r.body());
        assertEquals("chat.completion", answer.get("object").asText());
        assertEquals(model, answer.get("model").asText());
        assertEquals("assistant", answer.at("/choices/0/message/role").asText());
        assertTrue(answer.at("/choices/0/message/content").isTextual(), r.body());

        // only the document's text differs between the original and the forwarded body
        ObjectNode forwarded = (ObjectNode) answer.at("/shears/forwarded_request");
        String user = forwarded.at("/messages/1/content").asText();
        assertTrue(user.startsWith("<document>") && user.endsWith("</document>\n" + QUESTION), user);
        String kept = user.substring("<document>".length(), user.indexOf("</document>"));
        assertTrue(kept.length() < DOCUMENT.length() && !kept.isBlank(), kept);
        ObjectNode restored = forwarded.deepCopy();
        ((ObjectNode) restored.at("/messages/1")).put("content", original.at("/messages/1/content").asText());
        assertEquals(original, restored);

        // the answer is the upstream's to the forwarded body (greedy decoding)
        HttpResponse<String> direct = post(upstream, "/local/v1/chat/completions", forwarded);
        assertEquals(200, direct.statusCode(), direct.body());
        assertEquals(JSON.readTree(direct.body()).get("choices"), answer.get("choices"));
    }

    @Test
    void a_completion_with_a_context_block_is_pruned_and_answered() throws Exception {
        String prompt = "<context>" + DOCUMENT + "</context>\nQuestion: " + QUESTION + "\nAnswer:";
        ObjectNode request = JSON.createObjectNode().put("model", model).put("prompt", prompt).put("max_tokens", 8).put("temperature", 0.0);
        request.putObject("shears").put("echo", true).put("report", true);
        HttpResponse<String> r = post(gateway, "/v1/completions", request);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(header(r, "x-shears-tokens-after") < header(r, "x-shears-tokens-before"));
        JsonNode answer = JSON.readTree(r.body());
        assertEquals("text_completion", answer.get("object").asText());
        assertTrue(answer.at("/choices/0/text").isTextual(), r.body());
        assertEquals("/prompt#context[0]", answer.at("/shears/parts/0/where").asText());
        String sent = answer.at("/shears/forwarded_request/prompt").asText();
        assertTrue(sent.startsWith("<context>") && sent.endsWith("</context>\nQuestion: " + QUESTION + "\nAnswer:"), sent);
        assertTrue(sent.length() < prompt.length(), sent);

        HttpResponse<String> direct = post(upstream, "/local/v1/completions", answer.at("/shears/forwarded_request"));
        assertEquals(200, direct.statusCode(), direct.body());
        assertEquals(JSON.readTree(direct.body()).at("/choices/0/text"), answer.at("/choices/0/text"));
    }

    @Test
    void a_stream_is_relayed_as_server_sent_events() throws Exception {
        SSE_BODIES.clear();
        ObjectNode body = chatBody("<document>" + DOCUMENT + "</document>\n" + QUESTION).put("stream", true);
        HttpResponse<String> r = post(streamingGateway, "/v1/chat/completions", body);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        List<String> events = r.body().lines().filter(l -> !l.isEmpty()).toList();
        assertEquals(List.of(FIRST, SECOND, "data: [DONE]"), events);
        JsonNode sent = JSON.readTree(SSE_BODIES.get(0));
        assertTrue(sent.get("stream").asBoolean());
        assertFalse(sent.at("/messages/1/content").asText().contains("Bananas") && sent.at("/messages/1/content").asText().length()
                >= body.at("/messages/1/content").asText().length(), "the streamed request is pruned too");
    }

    @Test
    void a_stream_the_local_model_refuses_comes_back_as_its_error() throws Exception {
        // Shears' own /local/v1 does not stream: its 400 is passed through unchanged, not turned into events
        ObjectNode body = chatBody(QUESTION).put("stream", true);
        HttpResponse<String> r = post(gateway, "/v1/chat/completions", body);
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("stream"), r.body());
    }

    @Test
    void the_langchain4j_openai_client_works_unchanged() throws Exception {
        OpenAiChatModel chat = OpenAiChatModel.builder().baseUrl("http://127.0.0.1:" + gateway.port() + "/v1").apiKey("sk-unused")
                .modelName(model).maxTokens(8).temperature(0.0).timeout(Duration.ofSeconds(60)).build();
        String text = chat.chat(QUESTION);
        assertNotNull(text);

        ObjectNode direct = JSON.createObjectNode().put("model", model).put("max_tokens", 8).put("temperature", 0.0);
        direct.putArray("messages").add(JSON.createObjectNode().put("role", "user").put("content", QUESTION));
        HttpResponse<String> r = post(upstream, "/local/v1/chat/completions", direct);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(JSON.readTree(r.body()).at("/choices/0/message/content").asText(), text);
    }

    @Test
    void the_langchain4j_streaming_client_works_unchanged() throws Exception {
        OpenAiStreamingChatModel streaming = OpenAiStreamingChatModel.builder()
                .baseUrl("http://127.0.0.1:" + streamingGateway.port() + "/v1").apiKey("sk-unused").modelName("m")
                .timeout(Duration.ofSeconds(60)).build();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        List<String> partials = new CopyOnWriteArrayList<>();
        streaming.chat(QUESTION, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                partials.add(partial);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse response = done.get(60, TimeUnit.SECONDS);
        assertEquals(List.of("330", " metres"), partials);
        assertEquals("330 metres", response.aiMessage().text());
    }

    @Test
    void models_are_relayed_from_the_upstream() throws Exception {
        assertEquals(get(upstream, "/local/v1/models"), get(gateway, "/v1/models"));
    }
}
