package dev.shears.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.client.ShearsClient;
import dev.shears.error.ErrorType;
import dev.shears.error.ShearsException;
import dev.shears.tools.ShearsProcess;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;


/** The Java client against the packaged service: real pruning, real ranking, the server's errors as its own. */
@ExtendWith(PackagedShears.class)
class ShearsClientIT {

    static final String EIFFEL = "The Eiffel Tower is a wrought-iron lattice tower in Paris. It was built from 1887 to 1889."
            + " The tower is 330 metres tall, about the same height as an 81-storey building.";
    static final String BANANA = "Bananas are elongated, edible fruit. They grow in large hanging clusters.";

    ShearsClient client;

    @BeforeEach
    void connect(ShearsProcess server) {
        client = ShearsClient.builder().baseUrl(server.uri("/").toString()).build();
    }

    @Test
    void prunes_to_the_sentence_that_answers() {
        ShearsClient.PruneResult r = client.prune(ShearsClient.PruneRequest.of("How tall is the Eiffel Tower?",
                List.of(EIFFEL, BANANA)));
        assertEquals("bge-small-en-v1.5-q", r.model());
        String kept = r.documents().get(0).prunedText();
        assertTrue(kept.contains("330 metres tall"), kept);
        assertEquals("", r.documents().get(1).prunedText());
        assertEquals(1, r.documents().get(0).rank());
        assertTrue(r.totals().tokensSaved() > 0);
        List<ShearsClient.Sentence> sentences = r.documents().get(0).sentences();
        assertEquals(3, sentences.size());
        for (ShearsClient.Sentence s : sentences) {
            assertEquals(EIFFEL.substring(s.start(), s.end()), s.text(), "spans point into the input");
        }
        assertTrue(sentences.get(2).kept() && sentences.get(2).score() > sentences.get(1).score(), sentences.toString());
    }

    @Test
    void reranks_best_first() {
        List<ShearsClient.Ranked> ranked = client.rerank("What fruit grows in clusters?", List.of(EIFFEL, BANANA), null);
        assertEquals(List.of(1, 0), ranked.stream().map(ShearsClient.Ranked::index).toList());
        assertTrue(ranked.get(0).relevanceScore() > ranked.get(1).relevanceScore());
    }

    @Test
    void the_servers_refusal_arrives_with_its_type_and_message() {
        ShearsException e = assertThrows(ShearsException.class,
                () -> client.prune(ShearsClient.PruneRequest.of(" ", List.of(EIFFEL))));
        assertEquals(ErrorType.INVALID_REQUEST, e.type());
        assertEquals("'query' is empty", e.getMessage());
    }
}
