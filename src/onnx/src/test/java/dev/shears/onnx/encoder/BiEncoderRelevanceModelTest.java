package dev.shears.onnx.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.onnx.encoder.EmbeddingCache;
import dev.shears.onnx.encoder.OfflineModels;
import dev.shears.pruning.Document;
import dev.shears.pruning.DocumentScores;
import dev.shears.pruning.SplitDocument;
import dev.shears.pruning.StageClock;
import dev.shears.pruning.text.DefaultSentenceSplitter;
import dev.shears.onnx.encoder.EncoderModel;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Scores from the real embedded model: a document's scores depend on the document and the query only. */
class BiEncoderRelevanceModelTest {

    static EncoderModel encoder;
    static final DefaultSentenceSplitter SPLITTER = new DefaultSentenceSplitter();
    static final String QUERY = "Who designed the Eiffel Tower?";
    static final SplitDocument EIFFEL = split(new Document("a", "Eiffel Tower", "The tower is in Paris. It was designed by the"
            + " company of Gustave Eiffel. It opened in 1889."));
    static final SplitDocument OTHER = split(new Document("b", null, "Bananas are berries. They grow in clusters."));

    @BeforeAll
    static void load() {
        encoder = OfflineModels.encoder(OfflineModels.DEFAULT_MODEL);
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    static SplitDocument split(Document d) {
        return new SplitDocument(d, SPLITTER.split(d.text()));
    }

    static BiEncoderRelevanceModel model(EmbeddingCache cache) {
        return BiEncoderRelevanceModel.fromManifest(encoder, cache);
    }

    @Test
    void a_documents_scores_do_not_depend_on_the_other_documents() {
        BiEncoderRelevanceModel model = model(null);
        DocumentScores alone = model.score(QUERY, List.of(EIFFEL), StageClock.NONE).get(0);
        DocumentScores withOthers = model.score(QUERY, List.of(OTHER, EIFFEL, OTHER), StageClock.NONE).get(1);
        assertArrayEquals(alone.sentenceScores(), withOthers.sentenceScores());
        assertArrayEquals(alone.sentenceTokens(), withOthers.sentenceTokens());
    }

    @Test
    void cached_scores_equal_uncached_scores() {
        BiEncoderRelevanceModel cached = model(new EmbeddingCache(1 << 20));
        DocumentScores cold = cached.score(QUERY, List.of(EIFFEL, OTHER), StageClock.NONE).get(0);
        DocumentScores warm = cached.score(QUERY, List.of(OTHER, EIFFEL), StageClock.NONE).get(1);
        DocumentScores uncached = model(null).score(QUERY, List.of(EIFFEL), StageClock.NONE).get(0);
        assertArrayEquals(uncached.sentenceScores(), cold.sentenceScores());
        assertArrayEquals(uncached.sentenceScores(), warm.sentenceScores());
    }

    @Test
    void the_answering_sentence_scores_highest_and_the_unrelated_document_low() {
        List<DocumentScores> scores = model(null).score(QUERY, List.of(EIFFEL, OTHER), StageClock.NONE);
        double[] s = scores.get(0).sentenceScores();
        assertEquals(3, s.length);
        assertTrue(s[1] > s[0] && s[1] > s[2], java.util.Arrays.toString(s));
        assertTrue(scores.get(0).relevance() > scores.get(1).relevance());
    }

    @Test
    void counts_tokens_without_special_tokens() {
        assertEquals(0, model(null).countTokens(""));
        assertEquals(2, model(null).countTokens("hello world"));
    }
}
