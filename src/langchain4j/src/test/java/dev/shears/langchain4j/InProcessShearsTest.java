package dev.shears.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.scoring.ScoringModel;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.query.Query;
import dev.shears.eval.WikiQa;
import dev.shears.onnx.encoder.OfflineModels;
import dev.shears.onnx.ngram.NgramLanguageModel;
import dev.shears.pruning.ContextPruner;
import dev.shears.pruning.Document;
import dev.shears.pruning.PrunedDocument;
import dev.shears.pruning.PruningOptions;
import dev.shears.reasoning.ReasoningInput;
import dev.shears.reasoning.ReasoningOptions;
import dev.shears.reasoning.ReasoningPruner;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * In process, no server: a real LangChain4j RAG pipeline over WikiQA with Shears as its content aggregator, checked
 * against the core's own pruner over the same embedded model (the remote mode and the REST API: integration-tests'
 * LangChain4jIT).
 */
class InProcessShearsTest {

    static Shears shears;
    static WikiQaRag rag;

    @BeforeAll
    static void start() {
        rag = new WikiQaRag();
        shears = Shears.builder().inProcess().build();
    }

    @AfterAll
    static void stop() {
        shears.close();
    }

    @Test
    void the_chat_model_gets_the_retrieved_passages_pruned_as_the_core_prunes_them() {
        ContextPruner core = OfflineModels.pruner(OfflineModels.encoder(OfflineModels.DEFAULT_MODEL));
        WikiQaRag.RecordingChatModel chat = new WikiQaRag.RecordingChatModel();
        WikiQaRag.Assistant assistant = rag.assistant(chat, shears.contentAggregator().build());
        int shortened = 0;
        for (WikiQa.Question q : rag.questions.subList(0, 6)) {
            assistant.answer(q.question());
            List<String> retrieved = rag.retrieve(q.question()).stream().map(c -> c.textSegment().text()).toList();
            List<String> expected = core.prune(q.question(), retrieved.stream().map(Document::of).toList(), PruningOptions.defaults())
                    .documents().stream().filter(d -> !d.prunedText().isBlank())
                    .sorted(Comparator.comparingDouble(PrunedDocument::relevanceScore).reversed())
                    .map(PrunedDocument::prunedText).toList();
            assertEquals(WikiQaRag.injected(q.question(), expected), chat.lastUserText());
            shortened += expected.stream().filter(t -> !retrieved.contains(t)).count();
        }
        assertTrue(shortened > 0, "pruning removed nothing");
    }

    @Test
    void metadata_survives_and_gains_the_scores_and_pruning_stats() {
        WikiQa.Question q = rag.questions.get(0);
        List<Content> retrieved = rag.retrieve(q.question());
        List<Content> out = shears.contentAggregator().build().aggregate(Map.of(Query.from(q.question()), List.of(retrieved)));
        assertTrue(!out.isEmpty());
        for (Content c : out) {
            Content original = retrieved.stream()
                    .filter(r -> r.metadata().get(ContentMetadata.EMBEDDING_ID).equals(c.metadata().get(ContentMetadata.EMBEDDING_ID)))
                    .findFirst().orElseThrow();
            assertEquals(original.metadata().get(ContentMetadata.SCORE), c.metadata().get(ContentMetadata.SCORE));
            Metadata m = c.textSegment().metadata();
            assertEquals(original.textSegment().metadata().getString("title"), m.getString("title"));
            assertEquals(original.textSegment().metadata().getString("wikiqa_id"), m.getString("wikiqa_id"));
            assertEquals(c.metadata().get(ContentMetadata.RERANKED_SCORE), m.getDouble(ShearsContentAggregator.RELEVANCE_SCORE));
            assertTrue(m.getInteger(ShearsContentAggregator.TOKENS_AFTER) <= m.getInteger(ShearsContentAggregator.TOKENS_BEFORE));
            assertTrue(original.textSegment().text().contains(c.textSegment().text().substring(0, 20)));
        }
        List<Double> scores = out.stream().map(c -> (Double) c.metadata().get(ContentMetadata.RERANKED_SCORE)).toList();
        assertEquals(scores.stream().sorted(Comparator.reverseOrder()).toList(), scores);
    }

    @Test
    void ties_keep_the_input_order() {
        String text = rag.questions.get(1).passage();
        List<Content> same = IntStream.range(0, 3).mapToObj(i -> Content.from(TextSegment.from(text, new Metadata().put("n", i)))).toList();
        List<Content> out = shears.contentAggregator().build()
                .aggregate(Map.of(Query.from(rag.questions.get(1).question()), List.of(same)));
        assertEquals(List.of(0, 1, 2), out.stream().map(c -> c.textSegment().metadata().getInteger("n")).toList());
    }

    @Test
    void max_results_min_score_and_content_pruned_to_nothing() {
        WikiQa.Question q = rag.questions.get(2);
        Map<Query, java.util.Collection<List<Content>>> input = Map.of(Query.from(q.question()),
                List.of(rag.retrieve(q.question()), List.of(Content.from("Bananas are elongated, edible fruit. They grow in large hanging clusters."))));
        List<Content> all = shears.contentAggregator().build().aggregate(input);
        assertTrue(all.stream().noneMatch(c -> c.textSegment().text().contains("Bananas")), "unrelated content pruned to nothing is dropped");
        assertEquals(all.subList(0, 2), shears.contentAggregator().maxResults(2).build().aggregate(input));
        double second = (Double) all.get(1).metadata().get(ContentMetadata.RERANKED_SCORE);
        assertEquals(all.stream().filter(c -> (Double) c.metadata().get(ContentMetadata.RERANKED_SCORE) >= second).toList(),
                shears.contentAggregator().minScore(second).build().aggregate(input));
        int budgeted = shears.contentAggregator().tokenBudget(20).build().aggregate(input).stream()
                .mapToInt(c -> c.textSegment().metadata().getInteger(ShearsContentAggregator.TOKENS_AFTER)).sum();
        assertTrue(budgeted <= 20, budgeted + " tokens over a budget of 20");
    }

    @Test
    void the_scoring_model_scores_in_the_segments_order_and_finds_the_answer_passage() {
        ScoringModel scoring = shears.scoringModel();
        WikiQa.Question q = rag.questions.get(3);
        List<TextSegment> segments = rag.questions.subList(0, 6).stream().map(x -> TextSegment.from(x.passage())).toList();
        List<Double> scores = scoring.scoreAll(segments, q.question()).content();
        assertEquals(6, scores.size());
        assertEquals(scores.get(3), scores.stream().max(Double::compare).orElseThrow());
        assertEquals(scores.get(0), scoring.score(segments.get(0), q.question()).content());
    }

    @Test
    void earlier_assistant_turns_reach_the_chat_model_pruned_as_the_core_prunes_reasoning() {
        String question = "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May."
                + " How many clips did Natalia sell altogether?";
        String reasoning = "In April she sold 48 clips.\nIn May she sold half as many, so 48 / 2 = 24 clips.\n"
                + "Let me check that again: half of 48 is 24.\nAltogether she sold 48 + 24 = 72 clips.";
        WikiQaRag.RecordingChatModel chat = new WikiQaRag.RecordingChatModel();
        List<ChatMessage> conversation = List.of(UserMessage.from(question), AiMessage.from(reasoning), UserMessage.from("And in June?"));
        shears.reasoningPruning(chat, 0.8).chat(conversation);

        String expected = new ReasoningPruner(NgramLanguageModel.embedded())
                .prune(ReasoningInput.of(question, reasoning), ReasoningOptions.keep(0.8)).prunedReasoning();
        List<ChatMessage> reached = chat.requests.get(0).messages();
        assertNotEquals(reasoning, expected);
        assertEquals(List.of(conversation.get(0), AiMessage.from(expected), conversation.get(2)), reached);
    }
}
