package dev.shears.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.rag.DefaultRetrievalAugmentor;
import dev.langchain4j.rag.content.retriever.EmbeddingStoreContentRetriever;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.store.embedding.EmbeddingStore;

/** The README's LangChain4j example, compiled and run by {@link ReadmeExampleTest}, which also keeps the two in sync. */
final class ReadmeExample {

    interface Assistant {
        String answer(String question);
    }

    static Assistant assistant(Shears shears, ChatModel chatModel, EmbeddingStore<TextSegment> store, EmbeddingModel embeddings) {
        // README-start
        // Shears shears = Shears.builder().remote("http://localhost:8080").fallbackToUnpruned(true).build();
        // or, with dev.shears:shears-onnx added and no server: Shears.builder().inProcess().build();
        return AiServices.builder(Assistant.class)
                .chatModel(shears.reasoningPruning(chatModel, 0.8))   // earlier answers' reasoning pruned (ASAP)
                .retrievalAugmentor(DefaultRetrievalAugmentor.builder()
                        .contentRetriever(EmbeddingStoreContentRetriever.builder()
                                .embeddingStore(store).embeddingModel(embeddings).maxResults(10).build())
                        .contentAggregator(shears.contentAggregator()      // fuse, rerank and prune in one call
                                .maxResults(4).minScore(0.02).tokenBudget(600).build())
                        .build())
                .build();
        // README-end
    }
}
