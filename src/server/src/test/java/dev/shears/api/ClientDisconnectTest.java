package dev.shears.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A client that sends a large request and hangs up leaves no work behind: over a real socket, the rows of its
 * request that had not reached the model are dropped (counted in /q/metrics), the queue empties, and the next
 * request is served.
 */
@QuarkusTest
@TestProfile(ClientDisconnectTest.NoCache.class)
public class ClientDisconnectTest {

    public static class NoCache implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("shears.cache.max-bytes", "0");
        }
    }

    @TestHTTPResource("/")
    URI root;

    /** About 2,400 sentences: tens of seconds of inference on a 2-core machine. */
    static String largeRequest() {
        StringBuilder body = new StringBuilder("{\"query\": \"Which river flows through the valley?\", \"documents\": [");
        for (int d = 0; d < 120; d++) {
            body.append(d == 0 ? "" : ",").append('"');
            for (int s = 0; s < 20; s++) {
                body.append("Passage ").append(d).append(" sentence ").append(s).append(" describes hill number ")
                        .append(d * 31 + s).append(" and its old stone bridge. ");
            }
            body.append('"');
        }
        return body.append("]}").toString();
    }

    static double metric(String name) {
        String metrics = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void work_of_a_client_that_hangs_up_is_dropped() throws Exception {
        double droppedBefore = metric("shears_queue_dropped_sequences_total");
        byte[] body = largeRequest().getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/context/prune HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            Thread.sleep(1500); // the request is split, tokenized and queued; the model is working on it
        }
        double dropped = 0;
        for (int i = 0; i < 120 && (dropped <= droppedBefore || metric("shears_queue_sequences") > 0); i++) {
            Thread.sleep(500);
            dropped = metric("shears_queue_dropped_sequences_total");
        }
        assertTrue(dropped - droppedBefore > 1000, "rows dropped after the client hung up: " + (dropped - droppedBefore));
        assertEquals(0.0, metric("shears_queue_sequences"), "queue should be empty");
        RestAssured.given().contentType("application/json")
                .body("{\"query\": \"Which bridge?\", \"documents\": [\"The old stone bridge spans the river. Cows graze nearby.\"]}")
                .post("/v1/context/prune").then().statusCode(200);
    }
}
