package dev.shears.client.openai;

import dev.shears.client.ScriptedServer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shears.lm.Completion;
import dev.shears.lm.LanguageModelException;
import dev.shears.lm.LanguageModelException.Kind;
import dev.shears.lm.SamplingRequest;
import dev.shears.lm.ScoredText;
import dev.shears.lm.ScoringRequest;
import dev.shears.lm.TokenLogProb;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against a local scripted server speaking vLLM-shaped JSON, misbehaving on purpose. */
class OpenAiCompatibleLanguageModelTest {

    static final ObjectMapper JSON = new ObjectMapper();
    /** vLLM /v1/completions echo=true, max_tokens=0 for "Q: 2+2?" + " A: 4". */
    static final String ECHO = """
            {"id":"cmpl-1","object":"text_completion","model":"m","choices":[{"index":0,"text":"Q: 2+2? A: 4",
             "logprobs":{"text_offset":[0,1,2,4,5,6,7,9,10,11],
                         "token_logprobs":[null,-1.5,-0.2,-3.0,-0.1,-0.4,-2.0,-0.3,-0.05,-0.7],
                         "tokens":["Q",":"," 2","+","2","?"," A",":"," ","4"],
                         "top_logprobs":[null,{":":-1.5},{" 2":-0.2},{"+":-3.0},{"2":-0.1},{"?":-0.4},{" A":-2.0},{":":-0.3},{" ":-0.05},{"4":-0.7}]},
             "finish_reason":"length","stop_reason":null,"prompt_logprobs":null}],
             "usage":{"prompt_tokens":10,"total_tokens":10,"completion_tokens":0}}
            """;

    ScriptedServer server;

    @BeforeEach
    void start() throws Exception {
        server = new ScriptedServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    OpenAiCompatibleLanguageModel model(RemoteOptions.PromptLogProbMode mode) {
        return new OpenAiCompatibleLanguageModel(RemoteOptions.of(server.uri(), "m")
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(800))
                .withRetries(2, Duration.ofMillis(10))
                .withPromptLogProbs(mode));
    }

    @Test
    void echoScoresTheContinuation() throws Exception {
        server.then(ScriptedServer.Reply.ok(ECHO));
        ScoredText s = model(RemoteOptions.PromptLogProbMode.ECHO)
                .score(List.of(new ScoringRequest("Q: 2+2?", " A: 4"))).get(0);
        assertEquals(List.of(" A", ":", " ", "4"), s.tokens().stream().map(TokenLogProb::token).toList());
        assertEquals(-2.0 - 0.3 - 0.05 - 0.7, s.sum(), 1e-12);
        TokenLogProb last = s.tokens().get(3);
        assertEquals(4, last.start());
        assertEquals(5, last.end());
        assertEquals(" A: 4".substring(last.start(), last.end()), last.token());
        JsonNode sent = JSON.readTree(server.requests.get(0));
        assertEquals("Q: 2+2? A: 4", sent.get("prompt").get(0).asText());
        assertTrue(sent.get("echo").asBoolean());
        assertEquals(1, sent.get("logprobs").asInt());
        assertEquals(0, sent.get("max_tokens").asInt());
    }

    @Test
    void promptLogProbsModeReadsVllmExtension() {
        server.then(ScriptedServer.Reply.ok("""
                {"choices":[{"index":0,"text":"x","logprobs":null,"finish_reason":"length",
                  "prompt_token_ids":[1,50,60,70],
                  "prompt_logprobs":[null,{"50":{"logprob":-1.0,"rank":2,"decoded_token":"Hi"},"9":{"logprob":-0.5,"rank":1,"decoded_token":"Ho"}},
                                     {"60":{"logprob":-2.0,"rank":3,"decoded_token":" there"}},
                                     {"70":{"logprob":-0.25,"rank":1,"decoded_token":"!"}}]}]}
                """));
        ScoredText s = model(RemoteOptions.PromptLogProbMode.PROMPT_LOGPROBS)
                .score(List.of(new ScoringRequest("Hi", " there!"))).get(0);
        assertEquals(2, s.tokens().size());
        assertEquals(new TokenLogProb(60, " there", 0, 6, -2.0), s.tokens().get(0));
        assertEquals(new TokenLogProb(70, "!", 6, 7, -0.25), s.tokens().get(1));
        assertTrue(server.requests.get(0).contains("\"prompt_logprobs\":1"));
    }

    @Test
    void samplingSendsParametersAndReadsChoices() throws Exception {
        server.then(ScriptedServer.Reply.ok("""
                {"choices":[
                  {"index":1,"text":" world","logprobs":{"tokens":[" world"],"token_logprobs":[-0.9],"text_offset":[5]},"finish_reason":"stop"},
                  {"index":0,"text":" there, friend","logprobs":{"tokens":[" there",","," friend"],"token_logprobs":[-1.1,-0.2,-2.5],"text_offset":[5,11,12]},"finish_reason":"length"}]}
                """));
        List<Completion> cs = model(RemoteOptions.PromptLogProbMode.ECHO)
                .sample(new SamplingRequest("Hello", 2, 0.7, 0.9, 3, List.of("\n"), 42L));
        assertEquals(" there, friend", cs.get(0).text());
        assertEquals(Completion.LENGTH, cs.get(0).finishReason());
        assertEquals(new TokenLogProb(-1, " friend", 7, 14, -2.5), cs.get(0).tokens().get(2));
        assertEquals(Completion.STOP, cs.get(1).finishReason());
        JsonNode sent = JSON.readTree(server.requests.get(0));
        assertEquals(2, sent.get("n").asInt());
        assertEquals(42, sent.get("seed").asLong());
        assertEquals(0.9, sent.get("top_p").asDouble());
        assertEquals("\n", sent.get("stop").get(0).asText());
        assertEquals(1, sent.get("logprobs").asInt());
    }

    @Test
    void retries500Then200() {
        server.then(ScriptedServer.Reply.status(500, "{\"error\":\"boom\"}")).then(ScriptedServer.Reply.ok(ECHO));
        ScoredText s = model(RemoteOptions.PromptLogProbMode.ECHO)
                .score(List.of(new ScoringRequest("Q: 2+2?", " A: 4"))).get(0);
        assertEquals(4, s.tokens().size());
        assertEquals(2, server.requests.size());
    }

    @Test
    void persistent429GivesUpAfterBoundedRetries() {
        for (int i = 0; i < 5; i++) {
            server.then(new ScriptedServer.Reply(429, "{\"error\":\"slow down\"}", 0, Map.of("Retry-After", "0")));
        }
        var e = assertThrows(LanguageModelException.class,
                () -> model(RemoteOptions.PromptLogProbMode.ECHO).score(List.of(ScoringRequest.of("x"))));
        assertEquals(Kind.UPSTREAM_UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains("429") && e.getMessage().contains("3 attempts"), e.getMessage());
        assertEquals(3, server.requests.size());
    }

    @Test
    void clientErrorsAreNotRetried() {
        server.then(ScriptedServer.Reply.status(400, "{\"error\":{\"message\":\"bad temperature\"}}"));
        var e = assertThrows(LanguageModelException.class,
                () -> model(RemoteOptions.PromptLogProbMode.ECHO).sample(SamplingRequest.greedy("x", 2)));
        assertEquals(Kind.UPSTREAM_BAD_RESPONSE, e.kind());
        assertTrue(e.getMessage().contains("400") && e.getMessage().contains("bad temperature"));
        assertEquals(1, server.requests.size());
    }

    @Test
    void contextErrorsMapToContextTooLong() {
        server.then(ScriptedServer.Reply.status(400, "{\"message\":\"This model's maximum context length is 4096 "
                + "tokens. However, you requested 5000 tokens\"}"));
        var e = assertThrows(LanguageModelException.class,
                () -> model(RemoteOptions.PromptLogProbMode.ECHO).score(List.of(ScoringRequest.of("long"))));
        assertEquals(Kind.CONTEXT_TOO_LONG, e.kind());
        assertTrue(e.getMessage().contains("4096"));
    }

    @Test
    void serverWithoutEchoLogProbsIsUnsupportedMode() {
        server.then(ScriptedServer.Reply.ok("{\"choices\":[{\"index\":0,\"text\":\"x\",\"logprobs\":null}]}"));
        var e = assertThrows(LanguageModelException.class,
                () -> model(RemoteOptions.PromptLogProbMode.ECHO).score(List.of(ScoringRequest.of("x"))));
        assertEquals(Kind.UNSUPPORTED_MODE, e.kind());
        assertTrue(e.getMessage().contains("echo=true") && e.getMessage().contains("no logprobs"), e.getMessage());
        server.then(ScriptedServer.Reply.status(400,
                "{\"error\":{\"message\":\"echo is not supported with logprobs for this model\"}}"));
        var e2 = assertThrows(LanguageModelException.class,
                () -> model(RemoteOptions.PromptLogProbMode.ECHO).score(List.of(ScoringRequest.of("x"))));
        assertEquals(Kind.UNSUPPORTED_MODE, e2.kind());
        server.then(ScriptedServer.Reply.ok("{\"choices\":[{\"index\":0,\"text\":\"x\",\"logprobs\":null}]}"));
        var e3 = assertThrows(LanguageModelException.class, () -> model(RemoteOptions.PromptLogProbMode.PROMPT_LOGPROBS)
                .score(List.of(ScoringRequest.of("x"))));
        assertEquals(Kind.UNSUPPORTED_MODE, e3.kind());
        assertTrue(e3.getMessage().contains("prompt_logprobs"), e3.getMessage());
    }

    @Test
    void malformedJsonIsBadResponse() {
        server.then(ScriptedServer.Reply.ok("{\"choices\": [ {\"index\": 0, \"text\": "));
        var e = assertThrows(LanguageModelException.class,
                () -> model(RemoteOptions.PromptLogProbMode.ECHO).sample(SamplingRequest.greedy("x", 2)));
        assertEquals(Kind.UPSTREAM_BAD_RESPONSE, e.kind());
        assertTrue(e.getMessage().contains("malformed JSON"), e.getMessage());
        server.then(ScriptedServer.Reply.ok("{\"choices\": []}"));
        assertEquals(Kind.UPSTREAM_BAD_RESPONSE, assertThrows(LanguageModelException.class,
                () -> model(RemoteOptions.PromptLogProbMode.ECHO).sample(SamplingRequest.greedy("x", 2))).kind());
    }

    @Test
    void slowServerTimesOut() {
        server.then(new ScriptedServer.Reply(200, ECHO, 3000, Map.of()));
        long t0 = System.nanoTime();
        var e = assertThrows(LanguageModelException.class,
                () -> model(RemoteOptions.PromptLogProbMode.ECHO).score(List.of(new ScoringRequest("Q: 2+2?", " A: 4"))));
        assertEquals(Kind.UPSTREAM_TIMEOUT, e.kind());
        assertTrue(e.getMessage().contains("800 ms"), e.getMessage());
        assertTrue((System.nanoTime() - t0) / 1e6 < 2500);
    }

    @Test
    void downServerIsUnavailable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        var m = new OpenAiCompatibleLanguageModel(RemoteOptions.of(URI.create("http://127.0.0.1:" + port), "m"));
        var e = assertThrows(LanguageModelException.class, () -> m.sample(SamplingRequest.greedy("x", 1)));
        assertEquals(Kind.UPSTREAM_UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains("cannot connect"), e.getMessage());
    }

    @Test
    void emptyContinuationIsRejectedLocally() {
        var e = assertThrows(LanguageModelException.class,
                () -> model(RemoteOptions.PromptLogProbMode.ECHO).score(List.of(new ScoringRequest("p", ""))));
        assertEquals(Kind.EMPTY_INPUT, e.kind());
        assertEquals(0, server.requests.size());
    }
}
