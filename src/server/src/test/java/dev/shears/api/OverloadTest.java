package dev.shears.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Far more load than a tiny queue admits (loopback only, bounded to a few seconds): every answer is a 200 or
 * a fast 429 with the error body, and the service serves normally as soon as the load stops.
 */
@QuarkusTest
@TestProfile(OverloadTest.TinyQueue.class)
public class OverloadTest {

    public static class TinyQueue implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("shears.batching.max-queued-sequences", "24", "shears.cache.max-bytes", "0",
                    "shears.limits.max-concurrent-requests", "1000");
        }
    }

    @TestHTTPResource("/v1/context/prune")
    URI prune;

    static String body(int i) {
        StringBuilder text = new StringBuilder();
        for (int s = 0; s < 10; s++) {
            text.append("Sentence ").append(s).append(" of passage ").append(i).append(" talks about topic ").append(s * i).append(". ");
        }
        return "{\"query\": \"What does passage " + i + " say?\", \"documents\": [\"" + text + "\"], \"return_sentences\": false}";
    }

    @Test
    void overload_gives_fast_429s_only_and_full_recovery() throws Exception {
        Hammer.run(prune, OverloadTest::body, 16, Duration.ofSeconds(4)).assertOnlySuccessesAndFastRejections();
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(prune).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body(100_000 + i))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), "after the load: " + r.body());
            assertTrue(r.headers().firstValue("x-queue-time").isPresent(), "queue time header");
        }
    }
}
