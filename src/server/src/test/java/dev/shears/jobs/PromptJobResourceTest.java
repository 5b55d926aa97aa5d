package dev.shears.jobs;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.api.LocalModelProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(LocalModelProfile.class)
class PromptJobResourceTest {

    static String request(String demonstrations, String labelWords, String budget) {
        return """
                {"instruction": "Sentiment.",
                 "demonstrations": %s,
                 "label_words": %s,
                 "fitness_examples": [{"input": "fun ", "label": 1}, {"input": "dull ", "label": 0}],
                 "held_out_examples": [{"input": "nice ", "label": 1}, {"input": "sad ", "label": 0}],
                 "budget": %s, "population_size": 6, "offspring": 8, "min_mean_length": 0, "seed": 7}
                """.formatted(demonstrations, labelWords, budget);
    }

    static final String DEMOS = "[{\"input\": \"good movie \", \"label\": 1}, {\"input\": \"bad plot \", \"label\": 0}]";
    static final String WORDS = "[\"no\", \"yes\"]";

    @Test
    void aJobRunsToTheEndAndIsListedAndStreamed() throws Exception {
        String location = given().contentType(ContentType.JSON)
                .body(request(DEMOS, WORDS, "{\"max_evaluations\": 30}"))
                .post("/v1/prompt/jobs")
                .then().statusCode(202).header("Location", containsString("/v1/prompt/jobs/"))
                .body("id", notNullValue()).extract().header("Location");
        String id = location.substring(location.lastIndexOf('/') + 1);
        JsonPath job = null;
        for (int i = 0; i < 600; i++) {
            job = given().get("/v1/prompt/jobs/" + id).then().statusCode(200).extract().jsonPath();
            if (job.getString("state").equals("succeeded") || job.getString("state").equals("failed")) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals("succeeded", job.getString("state"), job.prettify());
        assertEquals(30, job.getInt("evaluations"));
        assertTrue(job.getString("best_prompt").contains("{input}"));
        assertEquals(job.getString("best_prompt"), job.getString("result.bestPrompt"));

        String events = given().accept("text/event-stream").get("/v1/prompt/jobs/" + id + "/events")
                .then().statusCode(200).extract().asString();
        assertTrue(events.contains("\"state\":\"succeeded\""), events);

        given().get("/v1/prompt/jobs").then().statusCode(200).body("data.id", org.hamcrest.Matchers.hasItem(id));
        // a finished job is not cancelled
        given().delete("/v1/prompt/jobs/" + id).then().statusCode(200).body("state", equalTo("succeeded"));
    }

    @Test
    void aJobCanBeCancelled() {
        String id = given().contentType(ContentType.JSON)
                .body(request(DEMOS, WORDS, "{\"max_evaluations\": 100000}"))
                .post("/v1/prompt/jobs").then().statusCode(202).extract().path("id");
        given().delete("/v1/prompt/jobs/" + id).then().statusCode(200).body("state", equalTo("cancelled"));
        given().get("/v1/prompt/jobs/" + id).then().statusCode(200).body("state", equalTo("cancelled"));
    }

    @Test
    void badRequestsAre400BeforeAnyJobExists() {
        int before = given().get("/v1/prompt/jobs").then().extract().jsonPath().getList("data").size();
        bad(request("[]", WORDS, "{\"max_evaluations\": 10}"), "demonstrations");
        bad(request(DEMOS, "[\"no\", \"\"]", "{\"max_evaluations\": 10}"), "cannot be encoded");
        bad(request(DEMOS, WORDS, "{\"max_evaluations\": 0}"), "max_evaluations");
        String longDemo = "[{\"input\": \"" + "long ".repeat(40) + "\", \"label\": 1}]";
        bad(request(longDemo, WORDS, "{\"max_evaluations\": 10}"), "longer than the context");
        bad(request(DEMOS, WORDS, "{\"max_evaluations\": 10}").replace("\"label\": 1}, {\"input\": \"dull", "\"label\": 5}, {\"input\": \"dull"), "label_words");
        int after = given().get("/v1/prompt/jobs").then().extract().jsonPath().getList("data").size();
        assertEquals(before, after);
    }

    @Test
    void unknownJobIs404() {
        given().get("/v1/prompt/jobs/nope").then().statusCode(404);
        given().delete("/v1/prompt/jobs/nope").then().statusCode(404);
    }

    private static void bad(String body, String mentions) {
        given().contentType(ContentType.JSON).body(body).post("/v1/prompt/jobs")
                .then().statusCode(400).body(containsString(mentions));
    }
}
