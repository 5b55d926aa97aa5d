package dev.shears.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.scoring.ScoringModel;
import dev.shears.client.ShearsClient;
import dev.shears.error.ShearsException;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shears for LangChain4j: the pieces that put it into a chain, over one connection to Shears. Build it against a
 * Shears server ({@link Builder#remote(String)}) or, with {@code dev.shears:shears-onnx} on the class path and no
 * server at all, in process ({@link Builder#inProcess()}); both prune alike. Thread-safe; close it when done.
 *
 * <pre>{@code
 * Shears shears = Shears.builder().remote("http://localhost:8080").fallbackToUnpruned(true).build();
 * ContentAggregator aggregator = shears.contentAggregator().maxResults(5).build();
 * }</pre>
 */
public final class Shears implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Shears.class);

    private final ShearsBackend backend;
    private final boolean fallbackToUnpruned;

    private Shears(ShearsBackend backend, boolean fallbackToUnpruned) {
        this.backend = backend;
        this.fallbackToUnpruned = fallbackToUnpruned;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A {@link ShearsContentAggregator} builder: fuse, rerank and prune retrieved content in one Shears call. */
    public ShearsContentAggregator.Builder contentAggregator() {
        return new ShearsContentAggregator.Builder(this);
    }

    /** Shears' reranker as a LangChain4j {@link ScoringModel}. */
    public ScoringModel scoringModel() {
        return new ShearsScoringModel(this);
    }

    /**
     * {@code model} behind reasoning-step pruning: earlier assistant turns reach it pruned to {@code keepRatio} of
     * their tokens (ASAP; see {@link ReasoningPruningChatModel}).
     */
    public ChatModel reasoningPruning(ChatModel model, double keepRatio) {
        return new ReasoningPruningChatModel(this, model, keepRatio);
    }

    ShearsBackend backend() {
        return backend;
    }

    /**
     * Runs a Shears call; when it fails and this instance falls back ({@link Builder#fallbackToUnpruned}), logs why and
     * answers {@code unpruned} instead.
     */
    <T> T orUnpruned(String what, Supplier<T> call, Supplier<T> unpruned) {
        try {
            return call.get();
        } catch (ShearsException e) {
            if (!fallbackToUnpruned) {
                throw e;
            }
            LOG.warn("Shears {} failed ({}: {}); going on unpruned", what, e.type(), e.getMessage());
            return unpruned.get();
        }
    }

    @Override
    public void close() {
        backend.close();
    }

    /** One builder for both modes: {@link #remote(String)} with its connection options, or {@link #inProcess()}. */
    public static final class Builder {
        private final ShearsClient.Builder client = ShearsClient.builder();
        private String baseUrl;
        private String modelLocation;
        private boolean fallbackToUnpruned;

        /** A Shears server (a sidecar), e.g. {@code http://localhost:8080}. */
        public Builder remote(String baseUrl) {
            this.baseUrl = baseUrl;
            client.baseUrl(baseUrl);
            return this;
        }

        /**
         * No server: the default model (bge-small-en-v1.5, int8) and the embedded trigram run in this JVM on ONNX
         * Runtime. Needs {@code dev.shears:shears-onnx} as a dependency (shears-langchain4j declares it optional).
         */
        public Builder inProcess() {
            return inProcess("classpath:models/bge-small-en-v1.5-q");
        }

        /** In process with another encoder model ({@code classpath:...} or a folder, as {@code shears.model.location}). */
        public Builder inProcess(String modelLocation) {
            this.modelLocation = modelLocation;
            return this;
        }

        /** Remote: sent as {@code Authorization: Bearer <key>}. */
        public Builder apiKey(String key) {
            client.apiKey(key);
            return this;
        }

        /** Remote: longest wait for one answer (default 60 s). */
        public Builder timeout(Duration value) {
            client.timeout(value);
            return this;
        }

        /** Remote: longest wait for a connection (default 5 s). */
        public Builder connectTimeout(Duration value) {
            client.connectTimeout(value);
            return this;
        }

        /**
         * When a Shears call fails (server down, timeout, overload), log a warning and let the chain go on unpruned:
         * retrieved content as fused, chat messages as they were. Off by default: failures throw
         * {@link ShearsException}. Scoring never falls back.
         */
        public Builder fallbackToUnpruned(boolean value) {
            this.fallbackToUnpruned = value;
            return this;
        }

        public Shears build() {
            if ((baseUrl == null) == (modelLocation == null)) {
                throw new IllegalStateException("choose one mode: remote(baseUrl) or inProcess()");
            }
            return new Shears(baseUrl != null ? ShearsBackend.remote(client.build()) : inProcessBackend(), fallbackToUnpruned);
        }

        private ShearsBackend inProcessBackend() {
            try {
                Class.forName("dev.shears.onnx.encoder.OfflineModels", false, Shears.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("inProcess() needs dev.shears:shears-onnx on the class path; add it as a dependency");
            }
            return new InProcessShears(modelLocation);
        }
    }
}
