package dev.shears.langchain4j.quarkus;

import dev.langchain4j.model.scoring.ScoringModel;
import dev.langchain4j.rag.DefaultRetrievalAugmentor;
import dev.langchain4j.rag.RetrievalAugmentor;
import dev.langchain4j.rag.content.aggregator.ContentAggregator;
import dev.shears.langchain4j.Shears;
import dev.shears.langchain4j.WikiQaRag;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** shears-langchain4j as CDI beans: Shears (a sidecar when {@code shears.url} is set, else in process) and its pieces. */
@ApplicationScoped
public class ShearsBeans {

    @Produces
    @ApplicationScoped
    Shears shears(@ConfigProperty(name = "shears.url") Optional<String> url) {
        Shears.Builder builder = Shears.builder();
        return url.map(builder::remote).orElseGet(builder::inProcess).fallbackToUnpruned(url.isPresent()).build();
    }

    void close(@Disposes Shears shears) {
        shears.close();
    }

    @Produces
    @ApplicationScoped
    ContentAggregator contentAggregator(Shears shears) {
        return shears.contentAggregator().maxResults(3).build();
    }

    @Produces
    @ApplicationScoped
    @Unremovable
    ScoringModel scoringModel(Shears shears) {
        return shears.scoringModel();
    }

    @Produces
    @ApplicationScoped
    WikiQaRag wikiQa() {
        return new WikiQaRag();
    }

    /** What {@code @RegisterAiService(retrievalAugmentor = ...)} names: retrieval with Shears as the aggregator. */
    @ApplicationScoped
    public static class Augmentor implements Supplier<RetrievalAugmentor> {
        @Inject
        WikiQaRag rag;

        @Inject
        ContentAggregator aggregator;

        @Override
        public RetrievalAugmentor get() {
            return DefaultRetrievalAugmentor.builder().contentRetriever(rag.retriever).contentAggregator(aggregator).build();
        }
    }

    /** The chat model: records what reaches it, behind Shears' reasoning pruning. */
    @ApplicationScoped
    public static class Chat implements Supplier<dev.langchain4j.model.chat.ChatModel> {
        private final WikiQaRag.RecordingChatModel recording = new WikiQaRag.RecordingChatModel();

        @Inject
        Shears shears;

        @Override
        public dev.langchain4j.model.chat.ChatModel get() {
            return shears.reasoningPruning(recording, 0.8);
        }

        public WikiQaRag.RecordingChatModel recording() {
            return recording;
        }
    }
}
