package dev.shears.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.query.Query;
import dev.shears.client.ShearsClient;
import dev.shears.error.ErrorType;
import dev.shears.error.ShearsException;
import dev.shears.eval.WikiQa;
import dev.shears.langchain4j.Shears;
import dev.shears.langchain4j.ShearsContentAggregator;
import dev.shears.langchain4j.WikiQaRag;
import dev.shears.tools.ShearsProcess;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * shears-langchain4j end to end: a real LangChain4j RAG pipeline over WikiQA (bge-small embeddings from their Maven
 * jar, an in-memory store, an AI service whose chat model records what reaches it) with Shears as its content
 * aggregator, remote (the packaged server as its own process) and in process, both checked against what the REST
 * API answers to a direct {@link ShearsClient} call; and a stopped server, failing or falling back.
 */
@ExtendWith(PackagedShears.class)
class LangChain4jIT {

    static final String QUESTION = "Natalia sold clips to 48 of her friends in April, and then she sold half as many"
            + " clips in May. How many clips did Natalia sell altogether?";
    static final String REASONING = "In April she sold 48 clips.\nIn May she sold half as many, so 48 / 2 = 24 clips.\n"
            + "Let me check that again: half of 48 is 24.\nAltogether she sold 48 + 24 = 72 clips.";

    static WikiQaRag rag;
    static ShearsClient rest;
    static Shears remote;
    static Shears inProcess;

    @BeforeAll
    static void start(ShearsProcess server) {
        rest = ShearsClient.builder().baseUrl(server.uri("/").toString()).build();
        remote = Shears.builder().remote(server.uri("/").toString()).timeout(Duration.ofSeconds(30)).build();
        inProcess = Shears.builder().inProcess().build();
        rag = new WikiQaRag(); // skips the tests, with the path it looked at, where WikiQA is missing
    }

    @AfterAll
    static void stop() {
        rest.close();
        remote.close();
        inProcess.close();
    }

    @Test
    void remote_hands_the_chat_model_what_the_rest_api_keeps() {
        handsTheChatModelWhatTheRestApiKeeps(remote);
    }

    @Test
    void in_process_hands_the_chat_model_what_the_rest_api_keeps() {
        handsTheChatModelWhatTheRestApiKeeps(inProcess);
    }

    private static void handsTheChatModelWhatTheRestApiKeeps(Shears shears) {
        WikiQaRag.RecordingChatModel chat = new WikiQaRag.RecordingChatModel();
        WikiQaRag.Assistant assistant = rag.assistant(chat, shears.contentAggregator().build());
        int shortened = 0;
        for (WikiQa.Question q : rag.questions.subList(0, 8)) {
            assistant.answer(q.question());
            List<Content> retrieved = rag.retrieve(q.question());
            List<String> texts = retrieved.stream().map(c -> c.textSegment().text()).toList();
            List<ShearsClient.PrunedPassage> kept = rest.prune(ShearsClient.PruneRequest.of(q.question(), texts)).documents()
                    .stream().filter(d -> !d.prunedText().isBlank())
                    .sorted(Comparator.comparingDouble(ShearsClient.PrunedPassage::relevanceScore).reversed()).toList();
            assertEquals(WikiQaRag.injected(q.question(), kept.stream().map(ShearsClient.PrunedPassage::prunedText).toList()),
                    chat.lastUserText(), q.id());
            shortened += kept.stream().filter(d -> !texts.contains(d.prunedText())).count();

            List<Content> out = shears.contentAggregator().build().aggregate(Map.of(Query.from(q.question()), List.of(retrieved)));
            for (int i = 0; i < out.size(); i++) {
                Content c = out.get(i);
                Content original = retrieved.get(kept.get(i).index());
                assertEquals(kept.get(i).relevanceScore(), c.metadata().get(ContentMetadata.RERANKED_SCORE));
                assertEquals(original.metadata().get(ContentMetadata.EMBEDDING_ID), c.metadata().get(ContentMetadata.EMBEDDING_ID));
                assertEquals(original.metadata().get(ContentMetadata.SCORE), c.metadata().get(ContentMetadata.SCORE));
                assertEquals(original.textSegment().metadata().getString("title"), c.textSegment().metadata().getString("title"));
                assertEquals(kept.get(i).rank(), c.textSegment().metadata().getInteger(ShearsContentAggregator.RANK));
            }
        }
        assertTrue(shortened > 0, "pruning removed nothing");
    }

    @Test
    void earlier_assistant_turns_are_pruned_as_the_rest_api_prunes_reasoning_in_both_modes() {
        String expected = rest.pruneReasoning(ShearsClient.ReasoningRequest.of(QUESTION, REASONING, 0.8)).prunedReasoning();
        assertTrue(expected.length() < REASONING.length());
        for (Shears shears : List.of(remote, inProcess)) {
            WikiQaRag.RecordingChatModel chat = new WikiQaRag.RecordingChatModel();
            shears.reasoningPruning(chat, 0.8).chat(UserMessage.from(QUESTION), AiMessage.from(REASONING), UserMessage.from("And in June?"));
            assertEquals(AiMessage.from(expected), chat.requests.get(0).messages().get(1));
        }
    }

    @Test
    void a_stopped_server_fails_or_falls_back_to_unpruned_content_as_configured() throws Exception {
        ShearsProcess stopped = ShearsProcess.start(ShearsProcess.defaultJar(), Map.of());
        stopped.close();
        String url = stopped.uri("/").toString();
        WikiQa.Question q = rag.questions.get(0);

        try (Shears failing = Shears.builder().remote(url).connectTimeout(Duration.ofSeconds(2)).build()) {
            WikiQaRag.RecordingChatModel chat = new WikiQaRag.RecordingChatModel();
            ShearsException e = assertThrows(ShearsException.class,
                    () -> rag.assistant(chat, failing.contentAggregator().build()).answer(q.question()));
            assertEquals(ErrorType.UPSTREAM_ERROR, e.type());
            assertTrue(chat.requests.isEmpty());
        }
        try (Shears fallingBack = Shears.builder().remote(url).fallbackToUnpruned(true).build()) {
            WikiQaRag.RecordingChatModel chat = new WikiQaRag.RecordingChatModel();
            rag.assistant(chat, fallingBack.contentAggregator().maxResults(3).build()).answer(q.question());
            List<String> unpruned = rag.retrieve(q.question()).stream().limit(3).map(c -> c.textSegment().text()).toList();
            assertEquals(WikiQaRag.injected(q.question(), unpruned), chat.lastUserText());

            List<ChatMessage> conversation = List.of(UserMessage.from(QUESTION), AiMessage.from(REASONING), UserMessage.from("And in June?"));
            fallingBack.reasoningPruning(chat, 0.8).chat(conversation);
            assertEquals(conversation, chat.requests.get(chat.requests.size() - 1).messages());
        }
    }
}
