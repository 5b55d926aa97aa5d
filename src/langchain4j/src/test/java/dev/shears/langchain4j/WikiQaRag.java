package dev.shears.langchain4j;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import dev.langchain4j.rag.DefaultRetrievalAugmentor;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.aggregator.ContentAggregator;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.content.retriever.EmbeddingStoreContentRetriever;
import dev.langchain4j.rag.query.Query;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import dev.shears.eval.WikiQa;
import dev.shears.testing.WikiQaFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A real LangChain4j RAG pipeline over WikiQA: the passages of the first {@value #PASSAGES} answerable dev questions,
 * embedded by bge-small-en-v1.5 (LangChain4j's in-process model, from its Maven jar) into an in-memory store, retrieved
 * {@value #RETRIEVED} at a time, and an AI service whose chat model records what reaches it. Shared with the
 * remote-mode tests of integration-tests/ (test-jar).
 */
public final class WikiQaRag {

    public static final int PASSAGES = 24;
    public static final int RETRIEVED = 4;

    /** The AI service under test. */
    public interface Assistant {
        String answer(String question);
    }

    /** A chat model that answers "noted" and keeps every request that reaches it. */
    public static final class RecordingChatModel implements ChatModel {
        public final List<ChatRequest> requests = new CopyOnWriteArrayList<>();

        @Override
        public ChatResponse doChat(ChatRequest request) {
            requests.add(request);
            return ChatResponse.builder().aiMessage(AiMessage.from("noted")).build();
        }

        /** The text of the last user message of the last request: the question with the injected content. */
        public String lastUserText() {
            List<?> messages = requests.get(requests.size() - 1).messages();
            return ((UserMessage) messages.get(messages.size() - 1)).singleText();
        }
    }

    public final List<WikiQa.Question> questions;
    public final EmbeddingModel embeddings = new BgeSmallEnV15QuantizedEmbeddingModel();
    public final InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
    public final ContentRetriever retriever;

    public WikiQaRag() {
        try {
            questions = WikiQa.read(WikiQaFiles.require("WikiQA-dev.tsv.gz")).stream()
                    .filter(WikiQa.Question::answerable).limit(PASSAGES).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<TextSegment> segments = questions.stream().map(q -> TextSegment.from(q.passage(),
                Metadata.from("title", q.title()).put("wikiqa_id", q.id()))).toList();
        store.addAll(embeddings.embedAll(segments).content(), segments);
        retriever = EmbeddingStoreContentRetriever.builder().embeddingStore(store).embeddingModel(embeddings)
                .maxResults(RETRIEVED).build();
    }

    /** What the retriever finds for a question, as the aggregator receives it. */
    public List<Content> retrieve(String question) {
        return retriever.retrieve(Query.from(question));
    }

    /** An AI service over this store whose retrieved content goes through {@code aggregator}. */
    public Assistant assistant(ChatModel chat, ContentAggregator aggregator) {
        return AiServices.builder(Assistant.class).chatModel(chat)
                .retrievalAugmentor(DefaultRetrievalAugmentor.builder().contentRetriever(retriever)
                        .contentAggregator(aggregator).build())
                .build();
    }

    /** The user message LangChain4j's default content injector writes for these texts. */
    public static String injected(String question, List<String> texts) {
        return question + "\n\nAnswer using the following information:\n" + texts.stream().collect(Collectors.joining("\n\n"));
    }
}
