package dev.shears.langchain4j.quarkus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.scoring.ScoringModel;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.aggregator.ContentAggregator;
import dev.langchain4j.rag.query.Query;
import dev.shears.eval.WikiQa;
import dev.shears.langchain4j.WikiQaRag;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A Quarkus LangChain4j AI service whose retrieval augmentor (a CDI Supplier) prunes with Shears in process. */
@QuarkusTest
class QuarkusShearsTest {

    @Inject
    WikiQaAssistant assistant;

    @Inject
    ShearsBeans.Chat chat;

    @Inject
    WikiQaRag rag;

    @Inject
    ContentAggregator aggregator;

    @Inject
    ScoringModel scoring;

    @Test
    void the_ai_service_gets_the_content_shears_kept() {
        WikiQa.Question q = rag.questions.get(0);
        assistant.answer(q.question());
        List<Content> kept = aggregator.aggregate(Map.of(Query.from(q.question()), List.of(rag.retrieve(q.question()))));
        assertEquals(WikiQaRag.injected(q.question(), kept.stream().map(c -> c.textSegment().text()).toList()),
                chat.recording().lastUserText());
        assertEquals(q.title(), kept.get(0).textSegment().metadata().getString("title"));
    }

    @Test
    void the_scoring_model_bean_ranks_the_answer_passage_first() {
        WikiQa.Question q = rag.questions.get(1);
        List<Double> scores = scoring.scoreAll(rag.questions.subList(0, 4).stream().map(x -> TextSegment.from(x.passage())).toList(),
                q.question()).content();
        assertEquals(scores.get(1), scores.stream().max(Double::compare).orElseThrow());
    }
}
