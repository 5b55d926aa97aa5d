package dev.shears.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.lm.ScoredText;
import dev.shears.lm.ScoringRequest;
import dev.shears.client.openai.OpenAiCompatibleLanguageModel;
import dev.shears.client.openai.RemoteOptions;
import dev.shears.service.LocalLanguageModel;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Shears as its own upstream: the remote OpenAI-compatible client pointed at this instance's {@code /local}
 * prefix (it appends {@code /v1/completions}) scores exactly as the in-process model does.
 */
@QuarkusTest
@TestProfile(LocalModelProfile.class)
public class ShearsAsUpstreamTest {

    @TestHTTPResource("/local")
    URI local;

    @Inject
    LocalLanguageModel model;

    @Test
    void remote_client_scores_equal_in_process_scores() {
        // the remote client sends prompt + continuation as one text; these splits tokenize the same apart and together
        List<ScoringRequest> batch = List.of(
                new ScoringRequest("R", "easoning traces can be scored."),
                new ScoringRequest("Question: 17*3?", " Answer: 51."),
                new ScoringRequest("x", "yz, with unicode: caf\u00e9"));
        RemoteOptions options = new RemoteOptions(local, TinyDecoderResource.MODEL_ID, null, Duration.ofSeconds(5),
                Duration.ofSeconds(30), 0, null, 0, RemoteOptions.PromptLogProbMode.ECHO);
        try (OpenAiCompatibleLanguageModel remote = new OpenAiCompatibleLanguageModel(options)) {
            List<ScoredText> viaHttp = remote.score(batch);
            List<ScoredText> inProcess = model.require().model().score(batch);
            for (int i = 0; i < batch.size(); i++) {
                var expected = inProcess.get(i).tokens();
                var actual = viaHttp.get(i).tokens();
                assertEquals(expected.size(), actual.size(), "request " + i);
                for (int k = 0; k < expected.size(); k++) {
                    assertEquals(expected.get(k).token(), actual.get(k).token(), "request " + i + " token " + k);
                    assertEquals(expected.get(k).start(), actual.get(k).start());
                    assertEquals(expected.get(k).logProb(), actual.get(k).logProb(), 1e-6, "request " + i + " token " + k);
                }
                assertEquals(inProcess.get(i).sum(), viaHttp.get(i).sum(), 1e-6);
            }
            // a whole text (empty prompt): the first token has no log-prob, as from any echo server
            String text = "Whole texts score too.";
            var wholeViaHttp = remote.score(List.of(ScoringRequest.of(text))).get(0).tokens();
            var asPrompt = model.require().model().scorePrompts(List.of(text)).get(0).tokens();
            assertEquals(asPrompt.size(), wholeViaHttp.size());
            assertTrue(Double.isNaN(wholeViaHttp.get(0).logProb()));
            for (int k = 1; k < asPrompt.size(); k++) {
                assertEquals(asPrompt.get(k).logProb(), wholeViaHttp.get(k).logProb(), 1e-6);
            }
        }
    }
}
