package dev.shears.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.error.ErrorType;
import dev.shears.error.ShearsException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The client's wire format and error mapping, against a local HTTP server that answers as Shears does. */
class ShearsClientTest {

    static final String PRUNED = """
            {"model": "bge-small-en-v1.5-q", "threshold": 0.2,
             "documents": [{"index": 0, "relevance_score": 0.71, "rank": 1, "pruned_text": "It is 330 metres tall.",
                            "compression": 0.5, "chars_before": 44, "chars_after": 22, "tokens_before": 12, "tokens_after": 6,
                            "sentences": [{"start": 0, "end": 21, "text": "The tower is in Paris.", "kind": "sentence",
                                           "score": 0.1, "tokens": 6, "kept": false}]}],
             "totals": {"documents": 1, "chars_before": 44, "chars_after": 22, "tokens_before": 12, "tokens_after": 6,
                        "tokens_saved": 6, "compression": 0.5}, "added_later": true}
            """;

    @Test
    void prunes_with_the_servers_field_names_and_reads_the_answer() throws Exception {
        try (ScriptedServer server = new ScriptedServer().then(ScriptedServer.Reply.ok(PRUNED));
             ShearsClient client = ShearsClient.builder().baseUrl(server.uri().toString()).apiKey("k1").build()) {
            ShearsClient.PruneResult r = client.prune(ShearsClient.PruneRequest.of("How tall?", List.of("a", "b"))
                    .withTokenBudget(50));
            assertEquals("/v1/context/prune Bearer k1", server.calls.get(0));
            assertEquals("{\"query\":\"How tall?\",\"documents\":[{\"text\":\"a\"},{\"text\":\"b\"}],\"token_budget\":50}",
                    server.requests.get(0));
            assertEquals("bge-small-en-v1.5-q", r.model());
            ShearsClient.PrunedPassage d = r.documents().get(0);
            assertEquals("It is 330 metres tall.", d.prunedText());
            assertEquals(0.71, d.relevanceScore());
            assertEquals(12, d.tokensBefore());
            assertEquals(false, d.sentences().get(0).kept());
            assertEquals(6, r.totals().tokensSaved());
        }
    }

    @Test
    void reranks() throws Exception {
        String answer = "{\"id\": \"x\", \"results\": [{\"index\": 1, \"relevance_score\": 0.9}, {\"index\": 0, \"relevance_score\": 0.2}],"
                + " \"meta\": {\"model\": \"m\"}}";
        try (ScriptedServer server = new ScriptedServer().then(ScriptedServer.Reply.ok(answer));
             ShearsClient client = ShearsClient.builder().baseUrl(server.uri() + "/").build()) {
            assertEquals(List.of(new ShearsClient.Ranked(1, 0.9), new ShearsClient.Ranked(0, 0.2)),
                    client.rerank("q", List.of("a", "b"), 2));
            assertEquals("/v1/rerank -", server.calls.get(0));
            assertEquals("{\"query\":\"q\",\"documents\":[\"a\",\"b\"],\"top_n\":2}", server.requests.get(0));
        }
    }

    @Test
    void prunes_reasoning_with_the_servers_field_names() throws Exception {
        String answer = "{\"pruned_reasoning\": \"48 + 24 = 72.\", \"answer\": \"72\", \"steps\": [], \"tokens_before\": 35,"
                + " \"tokens_after\": 17, \"tokens_saved\": 18, \"budget\": 28, \"scorer\": \"cmusphinx-en-us-trigram\","
                + " \"mode\": \"global\", \"coarse\": {\"outcome\": \"skipped\"}}";
        try (ScriptedServer server = new ScriptedServer().then(ScriptedServer.Reply.ok(answer));
             ShearsClient client = ShearsClient.builder().baseUrl(server.uri().toString()).build()) {
            ShearsClient.PrunedReasoning r = client.pruneReasoning(
                    new ShearsClient.ReasoningRequest("How many?", "48 / 2 = 24.\n48 + 24 = 72.", "72", 0.8, null));
            assertEquals("/v1/reasoning/prune -", server.calls.get(0));
            assertEquals("{\"question\":\"How many?\",\"reasoning\":\"48 / 2 = 24.\\n48 + 24 = 72.\",\"answer\":\"72\","
                    + "\"keep_ratio\":0.8}", server.requests.get(0));
            assertEquals(new ShearsClient.PrunedReasoning("48 + 24 = 72.", 35, 17, 28, "cmusphinx-en-us-trigram"), r);
        }
    }

    @Test
    void server_errors_keep_their_type_and_message() throws Exception {
        Map<Integer, ErrorType> cases = Map.of(400, ErrorType.INVALID_REQUEST, 429, ErrorType.OVERLOADED,
                503, ErrorType.MODEL_UNAVAILABLE, 504, ErrorType.TIMEOUT);
        for (var c : cases.entrySet()) {
            String body = "{\"error\": \"because " + c.getKey() + "\", \"error_type\": \"" + c.getValue().code()
                    + "\", \"status\": " + c.getKey() + "}";
            try (ScriptedServer server = new ScriptedServer().then(ScriptedServer.Reply.status(c.getKey(), body));
                 ShearsClient client = ShearsClient.builder().baseUrl(server.uri().toString()).build()) {
                ShearsException e = assertThrows(ShearsException.class, () -> client.rerank("q", List.of("a"), null));
                assertEquals(c.getValue(), e.type());
                assertEquals("because " + c.getKey(), e.getMessage());
            }
        }
    }

    @Test
    void anything_else_is_an_upstream_error_or_a_timeout() throws Exception {
        try (ScriptedServer server = new ScriptedServer()
                .then(ScriptedServer.Reply.status(502, "<html>bad gateway</html>"))
                .then(ScriptedServer.Reply.ok("not json"))
                .then(new ScriptedServer.Reply(200, "{}", 2_000, Map.of()));
             ShearsClient client = ShearsClient.builder().baseUrl(server.uri().toString())
                     .timeout(Duration.ofMillis(300)).build()) {
            ShearsException html = assertThrows(ShearsException.class, () -> client.rerank("q", List.of("a"), null));
            assertEquals(ErrorType.UPSTREAM_ERROR, html.type());
            assertTrue(html.getMessage().contains("HTTP 502"), html.getMessage());
            assertEquals(ErrorType.UPSTREAM_ERROR,
                    assertThrows(ShearsException.class, () -> client.rerank("q", List.of("a"), null)).type());
            assertEquals(ErrorType.TIMEOUT,
                    assertThrows(ShearsException.class, () -> client.rerank("q", List.of("a"), null)).type());
        }
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (ShearsClient client = ShearsClient.builder().baseUrl("http://127.0.0.1:" + closedPort).build()) {
            ShearsException refused = assertThrows(ShearsException.class, () -> client.rerank("q", List.of("a"), null));
            assertEquals(ErrorType.UPSTREAM_ERROR, refused.type());
            assertTrue(refused.getMessage().contains("cannot reach Shears"), refused.getMessage());
        }
    }
}
