package dev.shears.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The local language model gets the encoder's admission and queueing: more load than its queue
 * ({@code shears.lm.max-queued-calls}) admits gets fast 429s only, and the calls of a client that hangs up are
 * dropped before they reach the model.
 */
@QuarkusTest
@TestProfile(LocalLanguageModelQueueTest.SmallQueue.class)
public class LocalLanguageModelQueueTest {

    public static class SmallQueue extends LocalModelProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("shears.lm.max-queued-calls", "2", "shears.limits.max-concurrent-requests", "1000");
        }
    }

    @TestHTTPResource("/local/v1/completions")
    URI completions;

    @TestHTTPResource("/")
    URI root;

    static String generation(int i) {
        return "{\"prompt\": \"Request " + i + " asks\", \"max_tokens\": 40, \"n\": 4, \"temperature\": 0.7, \"seed\": " + i + "}";
    }

    @Test
    void overload_gives_fast_429s_only_and_full_recovery() throws Exception {
        Hammer.run(completions, LocalLanguageModelQueueTest::generation, 12, Duration.ofSeconds(3))
                .assertOnlySuccessesAndFastRejections();
        for (int i = 0; i < 3; i++) {
            RestAssured.given().contentType("application/json").body(generation(1000 + i))
                    .post("/local/v1/completions").then().statusCode(200);
        }
    }

    @Test
    void calls_of_a_client_that_hangs_up_are_dropped() throws Exception {
        double droppedBefore = ClientDisconnectTest.metric("shears_lm_queue_dropped_calls_total");
        // 32 prompts, each its own model call in turn: seconds of work, most of it still queued when the client leaves
        StringBuilder prompts = new StringBuilder();
        for (int p = 0; p < 32; p++) {
            prompts.append(p == 0 ? "" : ",").append("\"Prompt number ").append(p).append(" goes on\"");
        }
        byte[] body = ("{\"prompt\": [" + prompts + "], \"max_tokens\": 100, \"n\": 8, \"temperature\": 1.0, \"seed\": 5}")
                .getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /local/v1/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            Thread.sleep(500); // the first calls are running
        }
        double dropped = droppedBefore;
        for (int i = 0; i < 60 && (dropped <= droppedBefore || ClientDisconnectTest.metric("shears_lm_queue_calls") > 0); i++) {
            Thread.sleep(250);
            dropped = ClientDisconnectTest.metric("shears_lm_queue_dropped_calls_total");
        }
        assertTrue(dropped > droppedBefore, "a call was dropped after the client hung up");
        assertEquals(0.0, ClientDisconnectTest.metric("shears_lm_queue_calls"), "queue should be empty");
        RestAssured.given().contentType("application/json").body(generation(7)).post("/local/v1/completions")
                .then().statusCode(200);
    }
}
