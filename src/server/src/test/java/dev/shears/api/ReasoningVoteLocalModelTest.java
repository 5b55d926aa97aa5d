package dev.shears.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With {@code n}, paths are sampled from the local language model (the in-process exported test decoder). */
@QuarkusTest
@TestProfile(LocalModelProfile.class)
class ReasoningVoteLocalModelTest {

    static JsonPath vote(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).post("/v1/reasoning/vote").then().statusCode(200)
                .extract().jsonPath();
    }

    @Test
    void sampled_paths_are_voted_on_and_reproducible_with_a_seed() {
        Map<String, Object> body = Map.of("question", "2+2?", "n", 4, "seed", 7, "temperature", 1.0, "max_tokens", 12,
                "extractor", "last-number");
        JsonPath r = vote(body);
        assertEquals(TinyDecoderResource.MODEL_ID, r.getString("scorer"));
        List<Map<String, Object>> sampled = r.getList("sampled");
        assertEquals(4, sampled.size());
        for (Map<String, Object> p : sampled) {
            double mean = ((Number) p.get("mean_logprob")).doubleValue();
            assertTrue(mean < 0 && Double.isFinite(mean), p.toString());
        }
        assertEquals(0, r.getInt("samples_saved"));
        assertEquals(r.prettify(), vote(body).prettify(), "same seed, same vote");
    }

    @Test
    void early_stop_draws_no_more_than_n_and_says_what_it_saved() {
        JsonPath r = vote(Map.of("question", "2+2?", "n", 6, "seed", 3, "temperature", 0.0, "max_tokens", 8,
                "extractor", "last-number", "early_stop", true));
        assertEquals(6, r.getList("sampled").size() + r.getInt("samples_saved"));
    }
}
