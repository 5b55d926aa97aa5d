package dev.shears.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shears.lm.LanguageModel;
import dev.shears.lm.ScoringRequest;
import dev.shears.lm.TokenLogProb;
import dev.shears.service.LocalLanguageModel;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With a local language model configured, reasoning steps are scored by it (the in-process exported test decoder):
 * each step's surprisal over HTTP equals -ln p of the token covering the step's first character in the model's own
 * teacher-forced pass over question and chain.
 */
@QuarkusTest
@TestProfile(LocalModelProfile.class)
class ReasoningPruneLocalModelTest {

    @Inject
    LocalLanguageModel local;

    @Test
    void steps_are_scored_by_the_local_model_as_in_process() {
        String question = "Sum?";
        String chain = "2+2=4.\n\nok so\n\n4 it is.";
        JsonPath r = given().contentType(ContentType.JSON).body(Map.of("question", question, "reasoning", chain, "keep_ratio", 0.6))
                .post("/v1/reasoning/prune").then().statusCode(200).extract().jsonPath();
        assertEquals(TinyDecoderResource.MODEL_ID, r.getString("scorer"));
        LanguageModel model = local.require().model();
        List<TokenLogProb> tokens = model.score(List.of(new ScoringRequest(question + "\n\n", chain))).get(0).tokens();
        List<Map<String, Object>> steps = r.getList("steps");
        assertEquals(3, steps.size());
        for (Map<String, Object> step : steps) {
            int start = (Integer) step.get("start");
            TokenLogProb first = tokens.stream().filter(t -> t.end() > start).findFirst().orElseThrow();
            assertEquals(first.token(), step.get("first_token"));
            assertEquals(-first.logProb(), ((Number) step.get("surprisal")).doubleValue(), 1e-5);
        }
        int total = r.getInt("tokens_before");
        assertEquals(tokens.size(), total, "every token of the chain counts for one step");
        assertEquals(true, r.getBoolean("steps[2].kept"), "the last step is the answer");
    }
}
